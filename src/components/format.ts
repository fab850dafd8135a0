// How numbers read on screen: sizes, durations, matrix entries and sidecar values. Pure, so tested in Node.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes in decimal units, as file managers and S3 consoles show them: 999 B, 1.50 MB, 123 GB. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return 'unknown';
  let i = 0;
  let v = n;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${UNITS[i]}`;
}

// One formatter for the page's language: `Number.prototype.toLocaleString` builds a new one per call,
// which adds up while a listing's progress counts up. Built on first use, not when the module loads: the
// first Intl formatter loads the locale's data (about 90 ms in Chromium), which would lengthen the page's
// first task; `warmFormatters` builds it in a task of its own once the page is up.
let count: Intl.NumberFormat | undefined;

/** A count of things (files, subjects, cells) with the reader's digit grouping: 76,006. */
export function formatCount(n: number): string {
  count ??= new Intl.NumberFormat();
  return count.format(n);
}

/** Builds the formatters ahead of their first use (call it from a task of its own after the first render). */
export function warmFormatters(): void {
  formatCount(0);
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
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

/**
 * `text` as it fits in `room` (pixels, as `width` measures them): whole when it fits, else cut and ended
 * with "…", keeping at least its first character.
 */
export function fitText(text: string, room: number, width: (t: string) => number): string {
  if (width(text) <= room) return text;
  let k = text.length - 1;
  while (k > 1 && width(`${text.slice(0, k)}…`) > room) k--;
  return `${text.slice(0, Math.max(1, k))}…`;
}
