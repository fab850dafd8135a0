import { S3BIDSError } from '../errors/index.ts';
import type { Cell, Column, Filter, ParticipantsTable, SortDirection } from './types.ts';

export function findColumn(table: ParticipantsTable, name: string): Column {
  const col = table.columns.find((c) => c.name === name);
  if (!col) {
    throw new S3BIDSError(
      'InvalidOption',
      `participants.tsv has no column "${name}" (columns: ${table.columns.map((c) => c.name).join(', ')}).`,
    );
  }
  return col;
}

/** Indices of the rows that pass every filter (all rows when there are none), ascending. */
export function applyFilters(table: ParticipantsTable, filters: readonly Filter[]): number[] {
  const tests = filters.map((f) => {
    findColumn(table, f.column);
    return { column: f.column, pass: predicate(f) };
  });
  const out: number[] = [];
  const rows = table.rows;
  outer: for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (const t of tests) if (!t.pass(row[t.column] ?? null)) continue outer;
    out.push(r);
  }
  return out;
}

function predicate(f: Filter): (v: Cell) => boolean {
  switch (f.kind) {
    case 'range': {
      const min = f.min ?? Number.NEGATIVE_INFINITY;
      const max = f.max ?? Number.POSITIVE_INFINITY;
      return (v) => typeof v === 'number' && v >= min && v <= max;
    }
    case 'pick': {
      const values = new Set(f.values);
      return (v) => v !== null && values.has(String(v));
    }
    case 'text': {
      const needle = f.contains.trim().toLowerCase();
      if (needle === '') return () => true;
      return (v) => v !== null && String(v).toLowerCase().includes(needle);
    }
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Row indices ordered by `column`: numbers numerically, text in natural order ("sub-2" before
 * "sub-10"), ties kept in file order, missing values last in either direction.
 */
export function sortRows(
  table: ParticipantsTable,
  column: string,
  dir: SortDirection = 'asc',
  indices?: readonly number[],
): number[] {
  findColumn(table, column);
  const idx = indices ? [...indices] : table.rows.map((_, i) => i);
  const values = table.rows.map((row) => row[column] ?? null);
  const sign = dir === 'desc' ? -1 : 1;
  // Array.prototype.sort is stable, so equal keys keep their input order.
  return idx.sort((a, b) => {
    const va = values[a]!;
    const vb = values[b]!;
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    return sign * c;
  });
}

/** The distinct participant ids of the given rows, in row order. */
export function idsOfRows(table: ParticipantsTable, indices: readonly number[]): string[] {
  const out = new Set<string>();
  for (const i of indices) {
    const id = table.rows[i]?.participant_id;
    if (typeof id === 'string') out.add(id);
  }
  return [...out];
}

/** Ids listed in participants.tsv that have no data on S3, in the TSV's order. */
export function flagMissing(table: ParticipantsTable, subjectsOnS3: readonly string[]): string[] {
  const present = new Set(subjectsOnS3);
  return table.ids.filter((id) => !present.has(id));
}
