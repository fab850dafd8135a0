/**
 * How keys of a study are written: its prefix, keys below it, and the subject a key belongs to. pyAFQ lost
 * every subject file when the prefix had a leading or trailing `/`, cut keys with `key.split(prefix)`, and
 * let `sub-01` take `sub-010`'s files (docs/contract.md, "pyAFQ bugs we fix", 2, 3 and 6); these helpers
 * are the one place that does it right. The listing needs them as much as the study index, so they live
 * here, upstream of both.
 */

/** BIDS, or the Healthy Brain Network's own layout (docs/contract.md, "Keys of a subject"). Always chosen, never guessed from keys. */
export type Flavour = 'bids' | 'hbn';

/** A study prefix without leading or trailing `/` ('/' alone is the bucket root, ''); inner `//` are legal in keys and kept. */
export function normalisePrefix(prefix: string): string {
  return prefix.replace(/^\/+/, '').replace(/\/+$/, '');
}

/** `prefix/rel`, or `rel` at the bucket root. */
export function joinKey(prefix: string, rel: string): string {
  return prefix === '' ? rel : `${prefix}/${rel}`;
}

/** The listing prefix for everything below `prefix` (with its trailing `/`). */
export function below(prefix: string): string {
  return prefix === '' ? '' : `${prefix}/`;
}

/** The key relative to the study: the prefix is removed from the start only, never elsewhere. */
export function relativeKey(key: string, prefix: string): string | undefined {
  const head = below(prefix);
  return key.startsWith(head) ? key.slice(head.length) : undefined;
}

/** First path segment (the whole string when it has no `/`). */
export function firstSegment(rel: string): string {
  const i = rel.indexOf('/');
  return i < 0 ? rel : rel.slice(0, i);
}

const SUBJECT = /^sub-([A-Za-z0-9]+)/;

/** `sub-<label>` when a name starts with one (`sub-01`, `sub-01.html`, `sub-01-x`), else undefined. */
export function subjectIdOf(name: string): string | undefined {
  const m = SUBJECT.exec(name);
  return m ? `sub-${m[1]}` : undefined;
}

/** Whether a key relative to some folder belongs to `subjectId`: its first segment names that subject, not one sharing its start. */
export function belongsTo(rel: string, subjectId: string): boolean {
  return subjectIdOf(firstSegment(rel)) === subjectId;
}

/** Adds `sub-` to a bare participant label. */
export function asSubjectId(id: string): string {
  return id.startsWith('sub-') ? id : `sub-${id}`;
}
