/** Bytes as a person reads them: 4.1 KB, 203.5 MB. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return 'unknown';
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** A matrix entry: short, aligned, no "-0". */
export function formatNumber(v: number): string {
  if (Object.is(v, -0) || Math.abs(v) < 5e-7) return '0';
  return Number.isInteger(v) ? String(v) : v.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

/** A sidecar value on one line, as JSON shows it. */
export function formatValue(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 117) + '…' : s;
}
