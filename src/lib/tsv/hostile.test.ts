// participants.tsv from a hostile or sloppy bucket (README, "Faults and bad input"): nothing is dropped
// or changed silently, and missing values follow BIDS unless the README says otherwise.
import { describe, expect, it } from 'vitest';
import { missingMarkersFromReadme } from './columns.ts';
import { parseParticipantsOffThread } from './off-thread.ts';
import { parseParticipants } from './parse.ts';

const tsv = (...lines: string[]) => lines.join('\n') + '\n';
const messages = (t: { issues: { message: string }[] }) => t.issues.map((i) => i.message);

describe('an unclosed quote', () => {
  it('keeps every row and says what happened', () => {
    const rows = Array.from({ length: 500 }, (_, i) => `sub-${i + 2}\t${i}\tok`);
    const t = parseParticipants(tsv('participant_id\tage\tnote', 'sub-1\t10\t"open', ...rows));
    expect(t.ids).toHaveLength(501);
    expect(t.rows[0]!.note).toBe('"open');
    expect(t.rows[500]!.age).toBe(499);
    expect(messages(t)[0]).toMatch(/A quote \("\) on line 2 is never closed, so the 500 lines after it would have been read as one value/);
  });
  it('a quoted value over several lines is reported with its line, and later lines keep their numbers', () => {
    const t = parseParticipants(tsv('participant_id\tnote', 'sub-1\t"a', 'sub-2\tb"', 'sub-3\tc', 'sub-4\t'));
    expect(t.ids).toEqual(['sub-1', 'sub-3', 'sub-4']);
    expect(t.issues[0]).toMatchObject({ line: 2 });
    expect(messages(t)[0]).toMatch(/runs over 2 lines/);
  });
});

describe('participant_id columns', () => {
  it('two with the same name are reported', () => {
    const t = parseParticipants(tsv('participant_id\tage\tparticipant_id', 'sub-1\t1\tsub-9'));
    expect(messages(t)).toContain(
      'The header has 2 participant_id columns (participant_id, participant_id); the first is used for the ids and the others are shown as plain columns.',
    );
    expect(t.ids).toEqual(['sub-1']);
  });
  it('case variants are reported', () => {
    const t = parseParticipants(tsv('Participant_ID\tage\tparticipant_id', 'sub-1\t1\tsub-9'));
    expect(messages(t).some((m) => m.startsWith('The header has 2 participant_id columns (Participant_ID, participant_id)'))).toBe(true);
  });
  it('a single one spelt differently is read, and the spelling reported', () => {
    const t = parseParticipants(tsv('PARTICIPANT_ID\tage', 'sub-1\t1'));
    expect(t.ids).toEqual(['sub-1']);
    expect(messages(t)).toContain('The id column is named PARTICIPANT_ID; BIDS spells it participant_id. It is read as the ids.');
  });
});

describe('missing values', () => {
  const file = tsv('participant_id\tage\tgroup', 'sub-1\t10\tA', 'sub-2\tNA\tB', 'sub-3\t\tn/a', 'sub-4\tn/a\tNA', 'sub-5\t12\tA');
  it('only n/a is missing by default; other markers stay values and are counted', () => {
    const t = parseParticipants(file);
    expect(t.rows.map((r) => r.age)).toEqual(['10', 'NA', '', null, '12']);
    expect(t.rows.map((r) => r.group)).toEqual(['A', 'B', null, 'NA', 'A']);
    expect(t.missingMarkers).toEqual([]);
    expect(messages(t)).toContain(
      '2 cells holding NA, 1 cell left empty: BIDS marks missing values n/a, and the README does not say these mean missing, so they are read as values.',
    );
  });
  it('markers the README declares are read as missing, and counted', () => {
    const t = parseParticipants(file, undefined, { missing: ['NA', ''] });
    expect(t.columns[1]!.kind).toBe('number');
    expect(t.rows.map((r) => r.age)).toEqual([10, null, null, null, 12]);
    expect(t.missingMarkers).toEqual([
      { marker: 'NA', cells: 2 },
      { marker: '', cells: 1 },
    ]);
    expect(messages(t)).toContain('2 cells holding NA, 1 cell left empty read as missing, as the dataset README says (BIDS writes n/a).');
  });
  it('the README is read for the markers it declares', () => {
    expect(missingMarkersFromReadme('# Study\n\nMissing values are coded as "NA" in participants.tsv.')).toEqual(['NA']);
    expect(missingMarkersFromReadme('Cells are left empty where data were not collected. Age -999 means unknown value.')).toEqual(['', '-999']);
    expect(missingMarkersFromReadme('NA is the North America site. Cells may be empty.')).toEqual([]);
    expect(missingMarkersFromReadme('Missing values are n/a, as BIDS says.')).toEqual([]);
  });
});

describe('progress', () => {
  it('is reported while splitting and ends at 1, on the calling thread in Node', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `sub-${i}\t${'x'.repeat(60)}`);
    const seen: number[] = [];
    const t = await parseParticipantsOffThread(tsv('participant_id\tnote', ...rows), undefined, { onProgress: (f) => seen.push(f) });
    expect(t.offThread).toBe(false);
    expect(t.ids).toHaveLength(40_000);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toBe(1);
  });
});
