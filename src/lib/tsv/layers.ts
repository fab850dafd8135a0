// The participants plots' three layers (README.md, "Using the app"): every participant, the ones passing
// the filters, the chosen ones, counted in the same bins or categories so they can be drawn over each other.
import type { ParticipantsTable, Summary } from './types.ts';

/** Counts of the rows `indices` in the bins (numbers) or values (+ `other`, then n/a) of `summary`. */
export function layerCounts(table: ParticipantsTable, summary: Summary, indices: Iterable<number>): { counts: number[]; missing: number } {
  const column = summary.column;
  let missing = 0;
  if (summary.kind === 'number') {
    const { edges } = summary;
    const counts = new Array<number>(Math.max(0, edges.length - 1)).fill(0);
    const top = counts.length - 1;
    for (const i of indices) {
      const v = table.rows[i]?.[column] ?? null;
      if (typeof v !== 'number') {
        missing++;
        continue;
      }
      if (top < 0) continue;
      // Bin k is [edges[k], edges[k+1]); the last one also holds its right edge (as summarise() counts).
      let lo = 0;
      let hi = top;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (v >= edges[mid]!) lo = mid;
        else hi = mid - 1;
      }
      counts[lo]!++;
    }
    return { counts, missing };
  }
  const at = new Map(summary.values.map((x, k) => [x.value, k]));
  const counts = new Array<number>(summary.values.length + (summary.other > 0 ? 1 : 0)).fill(0);
  for (const i of indices) {
    const v = table.rows[i]?.[column] ?? null;
    if (v === null) {
      missing++;
      continue;
    }
    const k = at.get(String(v));
    if (k !== undefined) counts[k]!++;
    else if (summary.other > 0) counts[counts.length - 1]!++;
  }
  return { counts, missing };
}

/** Labels of a summary's bars, in the order of layerCounts' counts: `20–30` bins, `F (female)` values, `other`. */
export function barLabels(summary: Summary): string[] {
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number.parseFloat(n.toPrecision(6))));
  if (summary.kind === 'number') return summary.counts.map((_, i) => `${fmt(summary.edges[i]!)}–${fmt(summary.edges[i + 1]!)}`);
  const v = summary.values.map((x) => (x.label ? `${x.value} (${x.label})` : x.value));
  return summary.other > 0 ? [...v, 'other'] : v;
}
