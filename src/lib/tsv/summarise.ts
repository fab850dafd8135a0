import { findColumn } from './query.ts';
import type { CategorySummary, NumberSummary, ParticipantsTable, Summary } from './types.ts';

/** Bars shown for a category or text column before the rest is lumped into `other`. */
const MAX_VALUES = { category: 50, text: 20 } as const;

export interface SummariseOptions {
  /** Only these rows (e.g. the filtered ones); all rows by default. */
  indices?: readonly number[];
  /** About how many histogram bins to aim for; by default Sturges' rule, 5 to 30. */
  bins?: number;
}

/** A small plot's worth of a column: a histogram for numbers, counts for everything else. */
export function summarise(table: ParticipantsTable, column: string, opts: SummariseOptions = {}): Summary {
  const col = findColumn(table, column);
  const rows = table.rows;
  const indices = opts.indices;
  const n = indices ? indices.length : rows.length;
  const cell = (k: number) => rows[indices ? indices[k]! : k]![column] ?? null;

  if (col.kind === 'number') {
    const values: number[] = [];
    for (let k = 0; k < n; k++) {
      const v = cell(k);
      if (typeof v === 'number') values.push(v);
    }
    return histogram(column, values, n - values.length, opts.bins);
  }

  const counts = new Map<string, number>();
  let missing = 0;
  for (let k = 0; k < n; k++) {
    const v = cell(k);
    if (v === null) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  const levels = col.levels ?? {};
  const declared = Object.keys(levels).map((value) => ({ value, label: levels[value]!, count: counts.get(value) ?? 0 }));
  const rest: [string, number][] = [];
  for (const entry of counts) if (!Object.hasOwn(levels, entry[0])) rest.push(entry);
  // Stable sort: ties keep the order they first appear in, and a column of unique values
  // (all counts 1) is one run, which the sort passes through in linear time.
  rest.sort((a, b) => b[1] - a[1]);
  const room = Math.max(0, MAX_VALUES[col.kind] - declared.length);
  let other = 0;
  for (let i = room; i < rest.length; i++) other += rest[i]![1];
  const values = [...declared, ...rest.slice(0, room).map(([value, count]) => ({ value, count }))];
  const summary: CategorySummary = { kind: col.kind, column, count: n - missing, missing, distinct: counts.size, values, other };
  return summary;
}

function histogram(column: string, values: number[], missing: number, bins?: number): NumberSummary {
  const base = { kind: 'number' as const, column, count: values.length, missing };
  if (values.length === 0) return { ...base, min: null, max: null, edges: [], counts: [] };
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  const target = bins ?? Math.min(30, Math.max(5, Math.ceil(Math.log2(values.length)) + 1));
  let step = niceStep(max > min ? (max - min) / target : Math.abs(min) / 10 || 1);
  // Integer data (ages in years, scores) binned finer than 1 shows gaps, not shape.
  if (integers) step = Math.max(step, 1);
  // clean() first: 0.3 / 0.1 is 2.9999999999999996, which would floor to the wrong bin.
  const first = Math.floor(clean(min / step));
  let last = Math.floor(clean(max / step)) + 1;
  if (last <= first) last = first + 1;
  const edges: number[] = [];
  for (let k = first; k <= last; k++) edges.push(clean(k * step));
  const counts = new Array<number>(edges.length - 1).fill(0);
  const top = counts.length - 1;
  for (const v of values) {
    let i = Math.min(top, Math.max(0, Math.floor(v / step) - first));
    // k * step is rounded, so a value right at an edge can land one bin off; settle it exactly.
    while (i > 0 && v < edges[i]!) i--;
    while (i < top && v >= edges[i + 1]!) i++;
    counts[i]!++;
  }
  return { ...base, min, max, edges, counts };
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  const exp = Math.floor(Math.log10(raw));
  const mag = 10 ** exp;
  const f = raw / mag;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return clean(nice * mag);
}

/** Removes binary noise such as 0.30000000000000004 from computed edges. */
function clean(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}
