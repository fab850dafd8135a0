import Papa from 'papaparse';
import { S3BIDSError } from '../errors/index.ts';
import { inferKind, isMissing, makeColumn, OTHER_MISSING, parseNumber, readSidecar } from './columns.ts';
import type { Cell, Column, ParseOptions, ParticipantsTable, Row, TableIssue } from './types.ts';

const ID_COLUMN = 'participant_id';
/** Enough examples to act on without flooding the issue list on a broken file. */
const MAX_ISSUES_PER_KIND = 20;

/** Adds the `sub-` that BIDS ids carry and some files leave out. */
export function normaliseParticipantId(raw: string): string {
  const id = raw.trim();
  return id.startsWith('sub-') ? id : `sub-${id}`;
}

/** Rows are split in pieces of about this many characters when progress is asked for. */
const PROGRESS_PIECE = 1 << 20;

/**
 * Splits the text into rows of fields. A quote that is never closed would swallow every line after it
 * into one value: then quotes are read as plain characters, so each line stays a row, and that is
 * reported. Without quotes in the text and with `onProgress`, the text is split a piece at a time.
 */
function splitRows(text: string, issues: TableIssue[], onProgress?: (f: number) => void): string[][] {
  if (onProgress && !text.includes('"')) {
    const rows: string[][] = [];
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', Math.min(text.length, start + PROGRESS_PIECE));
      if (end < 0) end = text.length;
      const piece = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
      for (const r of Papa.parse<string[]>(piece, { delimiter: '\t', header: false, skipEmptyLines: false }).data) rows.push(r);
      start = end + 1;
      onProgress(Math.min(1, start / text.length) * 0.9);
    }
    return rows;
  }
  const parsed = Papa.parse<string[]>(text, { delimiter: '\t', header: false, skipEmptyLines: false });
  const unclosed = parsed.errors.find((e) => e.code === 'MissingQuotes');
  if (unclosed) {
    const rows = text.split(/\r\n|\n|\r/).map((l) => l.split('\t'));
    let line = 1;
    for (let i = 0; i < (unclosed.row ?? 0); i++) line += 1 + newlines(parsed.data[i]!);
    const swallowed = Math.max(0, rows.length - line - (text.endsWith('\n') ? 1 : 0));
    issues.push({
      line,
      message:
        `A quote (") on line ${line} is never closed, so the ${swallowed} line${swallowed === 1 ? '' : 's'} after it would have been ` +
        'read as one value. BIDS TSV files do not quote values: quotes are read as plain characters and every line as its own row.',
    });
    onProgress?.(0.9);
    return rows;
  }
  for (const err of parsed.errors.slice(0, MAX_ISSUES_PER_KIND)) {
    if (err.type !== 'Quotes') continue;
    issues.push({ line: (err.row ?? 0) + 1, message: `Unbalanced quote near line ${(err.row ?? 0) + 1}: ${err.message}.` });
  }
  onProgress?.(0.9);
  return parsed.data;
}

/** Line breaks held inside a row's quoted values. */
function newlines(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Parses a BIDS participants.tsv (tab-separated, header row, `n/a` missing) and its optional
 * participants.json. Only a missing `participant_id` column is fatal; everything else that is
 * wrong with the file becomes an issue, so a real-world file still opens. Markers other than `n/a`
 * (empty cells, `NA`…) are read as missing only when listed in `opts.missing`; otherwise they stay
 * values and an issue says how many there are.
 */
export function parseParticipants(text: string, sidecar?: unknown, opts: ParseOptions = {}): ParticipantsTable {
  const issues: TableIssue[] = [];
  const meta = readSidecar(sidecar, issues);
  const parsed = { data: splitRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, issues, opts.onProgress) };

  const lines = parsed.data;
  let h = 0;
  while (h < lines.length && isBlank(lines[h]!)) h++;
  const header = nameColumns(lines[h] ?? [], issues);
  const idCol = header.findIndex((n) => n.toLowerCase() === ID_COLUMN);
  const idLike = (lines[h] ?? []).map((f) => f.trim()).filter((f) => f.toLowerCase() === ID_COLUMN);
  if (idLike.length > 1)
    issues.push({
      line: h + 1,
      message: `The header has ${idLike.length} participant_id columns (${idLike.join(', ')}); the first is used for the ids and the others are shown as plain columns.`,
    });
  else if (idCol >= 0 && header[idCol] !== ID_COLUMN)
    issues.push({ line: h + 1, message: `The id column is named ${header[idCol]}; BIDS spells it participant_id. It is read as the ids.` });
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
  const counts = { ragged: 0, blank: 0, dup: 0, multiline: 0 };
  const declared = new Set(opts.missing ?? []);
  const other = new Set<string>(OTHER_MISSING);
  const markerCells = new Map<string, number>();
  const undeclared = new Map<string, number>();
  // File line of each row: a quoted value spanning lines moves the rows after it down.
  let nextLine = 1;
  for (let i = 0; i <= h && i < lines.length; i++) nextLine += 1 + newlines(lines[i]!);
  for (let i = h + 1; i < lines.length; i++) {
    const fields = lines[i]!;
    const line = nextLine;
    const spans = newlines(fields);
    nextLine += 1 + spans;
    if (isBlank(fields)) continue;
    if (spans > 0 && counts.multiline++ < MAX_ISSUES_PER_KIND)
      issues.push({
        line,
        message: `A quoted value on line ${line} runs over ${spans + 1} lines; if a stray quote caused it, the rows on those lines are missing from the table.`,
      });
    const idRaw = (fields[idCol] ?? '').trim();
    if (idRaw === '' || isMissing(idRaw)) {
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
      if (c === idCol) {
        raw[c]!.push(id);
        continue;
      }
      const f = fields[c];
      if (f === undefined) {
        raw[c]!.push(null); // a short row (reported above)
        continue;
      }
      const v = f.trim();
      if (isMissing(v)) raw[c]!.push(null);
      else if (declared.has(v)) {
        raw[c]!.push(null);
        markerCells.set(v, (markerCells.get(v) ?? 0) + 1);
      } else {
        if (other.has(v)) undeclared.set(v, (undeclared.get(v) ?? 0) + 1);
        raw[c]!.push(v);
      }
    }
    lineOf.push(line);
  }
  summariseDropped(issues, counts);
  const named = (v: string) => (v === '' ? 'empty' : v);
  const missingMarkers = [...markerCells].map(([marker, cells]) => ({ marker, cells }));
  if (missingMarkers.length)
    issues.push({
      message:
        `${missingMarkers.map((m) => `${m.cells} cell${m.cells === 1 ? '' : 's'} ${m.marker === '' ? 'left empty' : `holding ${m.marker}`}`).join(', ')} ` +
        'read as missing, as the dataset README says (BIDS writes n/a).',
    });
  if (undeclared.size)
    issues.push({
      message:
        `${[...undeclared].map(([v, n]) => `${n} cell${n === 1 ? '' : 's'} ${v === '' ? 'left empty' : `holding ${named(v)}`}`).join(', ')}: ` +
        'BIDS marks missing values n/a, and the README does not say these mean missing, so they are read as values.',
    });

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
  opts.onProgress?.(1);
  return { columns, rows, ids, issues, missingMarkers };
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
