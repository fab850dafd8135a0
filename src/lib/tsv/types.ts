/** What a column of participants.tsv holds, which decides its plot and its filter. */
export type ColumnKind = 'number' | 'category' | 'text';

export interface Column {
  name: string;
  kind: ColumnKind;
  /** From participants.json. */
  longName?: string;
  description?: string;
  units?: string;
  /** Value → meaning, from participants.json `Levels`, in the sidecar's order. */
  levels?: Record<string, string>;
}

/** A cell: numbers in number columns, strings elsewhere, null where missing (`n/a`). */
export type Cell = number | string | null;

/** One participant row, keyed by column name. `participant_id` is normalised to `sub-…`. */
export type Row = Record<string, Cell>;

export interface TableIssue {
  /** Index into `rows` when the issue concerns a kept row. */
  row?: number;
  /** 1-based line of the file, when known. */
  line?: number;
  message: string;
}

export interface ParticipantsTable {
  columns: Column[];
  rows: Row[];
  /** Distinct participant ids in file order, each `sub-<label>`. */
  ids: string[];
  /** Problems worth showing that did not stop parsing. */
  issues: TableIssue[];
  /** Cells read as missing through a marker other than `n/a` that the dataset declared (ParseOptions.missing). */
  missingMarkers: { marker: string; cells: number }[];
}

export interface ParseOptions {
  /** Markers besides BIDS's `n/a` to read as missing (`''` for empty cells), as the dataset's README declares. */
  missing?: readonly string[];
  /** Called as the text is split into rows, with the fraction done (0 to 1). */
  onProgress?: (fraction: number) => void;
}

export type Filter =
  | { column: string; kind: 'range'; min?: number; max?: number }
  | { column: string; kind: 'pick'; values: string[] }
  | { column: string; kind: 'text'; contains: string };

export type SortDirection = 'asc' | 'desc';

export interface NumberSummary {
  kind: 'number';
  column: string;
  /** Non-missing values. */
  count: number;
  missing: number;
  min: number | null;
  max: number | null;
  /** Bin edges, ascending; bin i is [edges[i], edges[i+1]), the last bin includes its right edge. */
  edges: number[];
  counts: number[];
}

export interface CategorySummary {
  kind: 'category' | 'text';
  column: string;
  count: number;
  missing: number;
  distinct: number;
  /** Levels first in the sidecar's order (zero counts included), then by count, most first; ties in order of first appearance. */
  values: { value: string; label?: string; count: number }[];
  /** Rows whose value was left out of `values` to keep it short. */
  other: number;
}

export type Summary = NumberSummary | CategorySummary;
