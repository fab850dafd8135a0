import Papa from 'papaparse';
import { S3BIDSError } from '../errors/index.ts';
import { inferKind, isMissing, makeColumn, parseNumber, readSidecar } from './columns.ts';
import type { Cell, Column, ParticipantsTable, Row, TableIssue } from './types.ts';

const ID_COLUMN = 'participant_id';
/** Enough examples to act on without flooding the issue list on a broken file. */
const MAX_ISSUES_PER_KIND = 20;

/** Adds the `sub-` that BIDS ids carry and some files leave out. */
export function normaliseParticipantId(raw: string): string {
  const id = raw.trim();
  return id.startsWith('sub-') ? id : `sub-${id}`;
}

/**
 * Parses a BIDS participants.tsv (tab-separated, header row, `n/a` missing) and its optional
 * participants.json. Only a missing `participant_id` column is fatal; everything else that is
 * wrong with the file becomes an issue, so a real-world file still opens.
 */
export function parseParticipants(text: string, sidecar?: unknown): ParticipantsTable {
  const issues: TableIssue[] = [];
  const meta = readSidecar(sidecar, issues);
  const parsed = Papa.parse<string[]>(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, {
    delimiter: '\t',
    header: false,
    skipEmptyLines: false,
  });
  for (const err of parsed.errors.slice(0, MAX_ISSUES_PER_KIND)) {
    if (err.type !== 'Quotes') continue;
    issues.push({ line: (err.row ?? 0) + 1, message: `Unbalanced quote near line ${(err.row ?? 0) + 1}: ${err.message}.` });
  }

  const lines = parsed.data;
  let h = 0;
  while (h < lines.length && isBlank(lines[h]!)) h++;
  const header = nameColumns(lines[h] ?? [], issues);
  const idCol = header.findIndex((n) => n.toLowerCase() === ID_COLUMN);
  if (idCol < 0) {
    throw new S3BIDSError(
      'InvalidOption',
      header.length === 0
        ? 'participants.tsv is empty: it needs a header row with a participant_id column.'
        : `participants.tsv has no participant_id column (its columns are: ${header.join(', ')}). ` +
          'BIDS requires it; check that the file is tab-separated.',
    );
  }
  header[idCol] = ID_COLUMN;

  const width = header.length;
  const raw: (string | null)[][] = header.map(() => []);
  const lineOf: number[] = [];
  const ids: string[] = [];
  const seen = new Map<string, number>();
  const counts = { ragged: 0, blank: 0, dup: 0 };
  for (let i = h + 1; i < lines.length; i++) {
    const fields = lines[i]!;
    if (isBlank(fields)) continue;
    const line = i + 1;
    const idRaw = (fields[idCol] ?? '').trim();
    if (isMissing(idRaw)) {
      if (counts.blank++ < MAX_ISSUES_PER_KIND) issues.push({ line, message: `Line ${line} has no participant_id; the row is left out.` });
      continue;
    }
    if (fields.length !== width && counts.ragged++ < MAX_ISSUES_PER_KIND) {
      issues.push({
        row: lineOf.length,
        line,
        message: `Line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${width}; ` +
          (fields.length < width ? 'the missing ones are treated as n/a.' : 'the extra ones are ignored.'),
      });
    }
    const id = normaliseParticipantId(idRaw);
    const first = seen.get(id);
    if (first !== undefined) {
      if (counts.dup++ < MAX_ISSUES_PER_KIND) {
        issues.push({ row: lineOf.length, line, message: `${id} appears again on line ${line} (first on line ${first}).` });
      }
    } else {
      seen.set(id, line);
      ids.push(id);
    }
    for (let c = 0; c < width; c++) {
      const v = (fields[c] ?? '').trim();
      raw[c]!.push(c === idCol ? id : isMissing(v) ? null : v);
    }
    lineOf.push(line);
  }
  summariseDropped(issues, counts);

  const columns: Column[] = header.map((name, c) =>
    makeColumn(name, c === idCol ? 'text' : inferKind(raw[c]!, meta.get(name)), meta.get(name)),
  );
  const cells: Cell[][] = columns.map((col, c) =>
    col.kind === 'number' ? raw[c]!.map((v) => (v === null ? null : parseNumber(v))) : raw[c]!,
  );
  checkLevels(columns, cells, issues);

  const rows: Row[] = new Array<Row>(lineOf.length);
  for (let r = 0; r < lineOf.length; r++) {
    const row: Row = {};
    for (let c = 0; c < width; c++) {
      // Assigning to __proto__ would set the prototype instead of adding a column.
      if (header[c] === '__proto__') Object.defineProperty(row, '__proto__', { value: cells[c]![r]!, enumerable: true, writable: true, configurable: true });
      else row[header[c]!] = cells[c]![r]!;
    }
    rows[r] = row;
  }
  return { columns, rows, ids, issues };
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** Trimmed header names, with blanks and repeats renamed so every column has its own key. */
function nameColumns(fields: readonly string[], issues: TableIssue[]): string[] {
  if (isBlank(fields)) return [];
  const used = new Set<string>();
  return fields.map((f, i) => {
    let name = f.trim();
    if (name === '') {
      name = `column_${i + 1}`;
      issues.push({ line: 1, message: `Column ${i + 1} has no name in the header; it is shown as ${name}.` });
    }
    if (used.has(name)) {
      let k = 2;
      while (used.has(`${name}_${k}`)) k++;
      issues.push({ line: 1, message: `The header names ${name} twice; the second is shown as ${name}_${k}.` });
      name = `${name}_${k}`;
    }
    used.add(name);
    return name;
  });
}

function summariseDropped(issues: TableIssue[], counts: { ragged: number; blank: number; dup: number }): void {
  const more = (n: number, what: string) => {
    if (n > MAX_ISSUES_PER_KIND) issues.push({ message: `…and ${n - MAX_ISSUES_PER_KIND} more ${what}.` });
  };
  more(counts.ragged, 'lines with the wrong number of fields');
  more(counts.blank, 'lines without a participant_id');
  more(counts.dup, 'repeated participant ids');
}

/** Values outside a column's declared Levels are usually typos worth showing. */
function checkLevels(columns: readonly Column[], cells: readonly Cell[][], issues: TableIssue[]): void {
  columns.forEach((col, c) => {
    if (!col.levels) return;
    const stray = new Set<string>();
    for (const v of cells[c]!) if (v !== null && !Object.hasOwn(col.levels, String(v))) stray.add(String(v));
    if (stray.size === 0) return;
    const list = [...stray].slice(0, 5).join(', ');
    issues.push({
      message: `Column ${col.name} has value${stray.size > 1 ? 's' : ''} not among the Levels in participants.json: ${list}` +
        (stray.size > 5 ? ` and ${stray.size - 5} more.` : '.'),
    });
  });
}

/**
 * The table a study without participants.tsv shows: one `participant_id` column holding the subjects
 * the listing found, read by the same parser as a real file.
 */
export function participantsFromIds(ids: readonly string[]): ParticipantsTable {
  return parseParticipants([ID_COLUMN, ...ids].join('\n'));
}
