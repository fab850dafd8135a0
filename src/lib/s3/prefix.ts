/** A study prefix without leading or trailing `/` ('/' alone is the bucket root, ''); inner `//` are legal in keys and kept. */
export function normalisePrefix(prefix: string): string {
  return prefix.replace(/^\/+/, '').replace(/\/+$/, '');
}
