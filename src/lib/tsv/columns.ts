import type { Column, ColumnKind, TableIssue } from './types.ts';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** BIDS marks a missing value `n/a`; other markers count as missing only when the dataset says so. */
export function isMissing(raw: string): boolean {
  return raw.length === 3 && raw.toLowerCase() === 'n/a';
}

/** Markers real files use for missing values that BIDS does not: read as missing only when declared. */
export const OTHER_MISSING = ['', 'NA', 'NaN', 'nan', 'null', 'NULL', '-999', '-9999', '999', '9999'] as const;

/**
 * The missing-value markers a dataset's README declares, besides BIDS's `n/a`: a sentence that speaks of
 * missing (or unavailable) values and names `NA`, `NaN`, `-999`… (quoted or as a word), or says such cells
 * are left empty or blank. `''` stands for empty cells.
 */
export function missingMarkersFromReadme(readme: string): string[] {
  const found = new Set<string>();
  for (const sentence of readme.split(/(?<=[.!?])\s+|\n\s*\n/)) {
    if (!/missing|not available|unavailable|no data|not collected|unknown value/i.test(sentence)) continue;
    for (const m of sentence.matchAll(/(?:^|[\s"'`(\[])(NA|NaN|N\/A|null|NULL|-?9{3,4})(?=$|[\s"'`)\],.;:])/g)) {
      const v = m[1]!;
      if (v !== 'n/a') found.add(v === 'N/A' ? 'N/A' : v);
    }
    if (/\b(?:empty|blank)\b/i.test(sentence)) found.add('');
  }
  return [...found];
}

/** Decimal numbers only: `0x10`, `Infinity` and `1,5` stay text. */
export function parseNumber(raw: string): number | null {
  if (!NUMBER.test(raw)) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** What participants.json says about one column. */
export interface ColumnMeta {
  longName?: string;
  description?: string;
  units?: string;
  levels?: Record<string, string>;
}

/** Reads participants.json leniently: anything malformed is an issue, never an exception. */
export function readSidecar(sidecar: unknown, issues: TableIssue[]): Map<string, ColumnMeta> {
  const out = new Map<string, ColumnMeta>();
  if (sidecar === undefined || sidecar === null) return out;
  if (!isRecord(sidecar)) {
    issues.push({ message: 'participants.json is not a JSON object; column descriptions were ignored.' });
    return out;
  }
  for (const [name, entry] of Object.entries(sidecar)) {
    if (!isRecord(entry)) continue;
    const meta: ColumnMeta = {};
    if (typeof entry.LongName === 'string') meta.longName = entry.LongName;
    if (typeof entry.Description === 'string') meta.description = entry.Description;
    if (typeof entry.Units === 'string') meta.units = entry.Units;
    const levels = readLevels(entry.Levels);
    if (levels) meta.levels = levels;
    out.set(name, meta);
  }
  return out;
}

function readLevels(levels: unknown): Record<string, string> | undefined {
  if (Array.isArray(levels)) {
    const list = levels.filter((l): l is string | number => typeof l === 'string' || typeof l === 'number');
    return list.length > 0 ? Object.fromEntries(list.map((l) => [String(l), String(l)])) : undefined;
  }
  if (!isRecord(levels)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(levels)) {
    // BIDS allows a level's value to be an object (e.g. with a TermURL); keep its description.
    out[k] = typeof v === 'string' ? v : isRecord(v) && typeof v.Description === 'string' ? v.Description : k;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Number when every present value is a number; category when the sidecar gives Levels or the
 * values are few (at most 20, or at most 5% of rows); text otherwise. A column with no values
 * at all is a category with nothing in it, so it plots as an empty bar chart.
 */
export function inferKind(values: readonly (string | null)[], meta: ColumnMeta | undefined): ColumnKind {
  if (meta?.levels) return 'category';
  const few = Math.max(20, Math.floor(0.05 * values.length));
  const distinct = new Set<string>();
  let allNumbers = true;
  for (const v of values) {
    if (v === null) continue;
    // Past `few` distinct values the exact count no longer matters; stop growing the set.
    if (distinct.size <= few) distinct.add(v);
    if (allNumbers && parseNumber(v) === null) allNumbers = false;
    if (!allNumbers && distinct.size > few) break;
  }
  if (distinct.size === 0) return 'category';
  if (allNumbers) return 'number';
  return distinct.size <= few ? 'category' : 'text';
}

export function makeColumn(name: string, kind: ColumnKind, meta: ColumnMeta | undefined): Column {
  const col: Column = { name, kind };
  if (meta?.longName !== undefined) col.longName = meta.longName;
  if (meta?.description !== undefined) col.description = meta.description;
  if (meta?.units !== undefined) col.units = meta.units;
  if (meta?.levels !== undefined) col.levels = meta.levels;
  return col;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
