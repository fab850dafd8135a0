import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { parseParticipants, participantsFromIds } from './parse.ts';

const tsv = (...lines: string[]) => lines.join('\n') + '\n';
const BASIC = tsv('participant_id\tage\tsex', 'sub-01\t12.5\tM', 'sub-02\tn/a\tF', 'sub-03\t9\tn/a');

describe('parseParticipants: the basics', () => {
  it('reads columns, rows, ids; numbers as numbers and n/a as null', () => {
    const t = parseParticipants(BASIC);
    expect(t.columns.map((c) => [c.name, c.kind])).toEqual([
      ['participant_id', 'text'],
      ['age', 'number'],
      ['sex', 'category'],
    ]);
    expect(t.rows.map((r) => ({ ...r }))).toEqual([
      { participant_id: 'sub-01', age: 12.5, sex: 'M' },
      { participant_id: 'sub-02', age: null, sex: 'F' },
      { participant_id: 'sub-03', age: 9, sex: null },
    ]);
    expect(t.ids).toEqual(['sub-01', 'sub-02', 'sub-03']);
    expect(t.issues).toEqual([]);
  });

  it('adds sub- to ids that lack it, in rows and ids', () => {
    const t = parseParticipants(tsv('participant_id\tage', '01\t3', 'sub-02\t4', ' 03 \t5'));
    expect(t.ids).toEqual(['sub-01', 'sub-02', 'sub-03']);
    expect(t.rows.map((r) => r.participant_id)).toEqual(['sub-01', 'sub-02', 'sub-03']);
  });

  it('strips a UTF-8 BOM so the first column is still participant_id', () => {
    const t = parseParticipants('\uFEFF' + BASIC);
    expect(t.columns[0]!.name).toBe('participant_id');
    expect(t.ids).toEqual(['sub-01', 'sub-02', 'sub-03']);
  });

  it('reads CRLF line endings without leaving \\r in the last column', () => {
    const t = parseParticipants(BASIC.replace(/\n/g, '\r\n'));
    expect(t.columns.map((c) => c.name)).toEqual(['participant_id', 'age', 'sex']);
    expect(t.rows.map((r) => r.sex)).toEqual(['M', 'F', null]);
  });

  it('keeps tabs and newlines inside quoted fields', () => {
    const t = parseParticipants(tsv('participant_id\tnote\tage', 'sub-01\t"a\tb"\t1', 'sub-02\t"two\nlines"\t2'));
    expect(t.rows.map((r) => r.note)).toEqual(['a\tb', 'two\nlines']);
    expect(t.rows.map((r) => r.age)).toEqual([1, 2]);
    expect(t.issues.map((i) => i.message)).toEqual([
      'A quoted value on line 3 runs over 2 lines; if a stray quote caused it, the rows on those lines are missing from the table.',
    ]);
  });

  it('ignores empty and whitespace-only lines, trailing or in between', () => {
    const t = parseParticipants('\n' + tsv('participant_id\tage', 'sub-01\t1', '', '  ', 'sub-02\t2') + '\n\n\n');
    expect(t.ids).toEqual(['sub-01', 'sub-02']);
    expect(t.issues).toEqual([]);
  });

  it('reads a file without a final newline', () => {
    expect(parseParticipants('participant_id\tage\nsub-01\t1').rows).toHaveLength(1);
  });

  it('treats empty cells, NA and NaN as missing like n/a when the dataset declares them', () => {
    const t = parseParticipants(tsv('participant_id\tage', 'sub-01\t', 'sub-02\tNA', 'sub-03\tNaN', 'sub-04\t7'), undefined, {
      missing: ['', 'NA', 'NaN'],
    });
    expect(t.columns[1]!.kind).toBe('number');
    expect(t.rows.map((r) => r.age)).toEqual([null, null, null, 7]);
  });

  it('finds participant_id whatever its case and trims header names', () => {
    const t = parseParticipants(tsv(' Participant_ID \t age ', 'sub-01\t1'));
    expect(t.columns.map((c) => c.name)).toEqual(['participant_id', 'age']);
    expect(t.rows[0]!.age).toBe(1);
  });
});

describe('parseParticipants: problems are reported, not fatal', () => {
  it('ragged rows: short ones padded with null, long ones truncated, both reported with their line', () => {
    const t = parseParticipants(tsv('participant_id\tage\tsex', 'sub-01\t1', 'sub-02\t2\tF\textra', 'sub-03\t3\tM'));
    expect(t.rows.map((r) => ({ ...r }))).toEqual([
      { participant_id: 'sub-01', age: 1, sex: null },
      { participant_id: 'sub-02', age: 2, sex: 'F' },
      { participant_id: 'sub-03', age: 3, sex: 'M' },
    ]);
    expect(t.issues.map((i) => [i.row, i.line])).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(t.issues[0]!.message).toMatch(/2 fields but the header has 3/);
    expect(t.issues[1]!.message).toMatch(/extra ones are ignored/);
  });

  it('duplicate ids: rows kept, id listed once, the repeat reported', () => {
    const t = parseParticipants(tsv('participant_id\tage', 'sub-01\t1', 'sub-02\t2', '01\t3'));
    expect(t.rows).toHaveLength(3);
    expect(t.ids).toEqual(['sub-01', 'sub-02']);
    expect(t.issues).toHaveLength(1);
    expect(t.issues[0]).toMatchObject({ row: 2, line: 4 });
    expect(t.issues[0]!.message).toContain('sub-01 appears again on line 4 (first on line 2)');
  });

  it('blank participant_id: the row is left out and reported', () => {
    const t = parseParticipants(tsv('participant_id\tage', '\t1', 'n/a\t2', 'sub-03\t3'));
    expect(t.ids).toEqual(['sub-03']);
    expect(t.rows).toHaveLength(1);
    expect(t.issues.map((i) => i.line)).toEqual([2, 3]);
    expect(t.issues[0]!.message).toMatch(/no participant_id/);
  });

  it('caps repeated issues and says how many more there were', () => {
    const lines = ['participant_id\ta\tb', ...Array.from({ length: 30 }, (_, i) => `sub-${i}\t1`)];
    const t = parseParticipants(tsv(...lines));
    expect(t.rows).toHaveLength(30);
    expect(t.issues).toHaveLength(21);
    expect(t.issues[20]!.message).toContain('10 more lines with the wrong number of fields');
  });

  it('unnamed and repeated header names get their own keys', () => {
    const t = parseParticipants(tsv('participant_id\tage\t\tage', 'sub-01\t1\tx\t2'));
    expect(t.columns.map((c) => c.name)).toEqual(['participant_id', 'age', 'column_3', 'age_2']);
    expect(t.rows[0]!.age_2).toBe(2);
    expect(t.issues).toHaveLength(2);
  });

  it('a column named __proto__ is an ordinary column', () => {
    const t = parseParticipants(tsv('participant_id\t__proto__', 'sub-01\tx'));
    expect(Object.hasOwn(t.rows[0]!, '__proto__')).toBe(true);
    expect(t.rows[0]!['__proto__']).toBe('x');
  });

  it('an unbalanced quote is reported', () => {
    const t = parseParticipants(tsv('participant_id\tnote', 'sub-01\t"open', 'sub-02\tok'));
    expect(t.issues.some((i) => /quote/i.test(i.message))).toBe(true);
  });

  it('missing participant_id column throws InvalidOption naming the columns', () => {
    try {
      parseParticipants(tsv('subject\tage', 'sub-01\t1'));
      expect.unreachable();
    } catch (e) {
      expect(isS3BIDSError(e, 'InvalidOption')).toBe(true);
      expect((e as Error).message).toContain('no participant_id column');
      expect((e as Error).message).toContain('subject, age');
    }
  });

  it('a comma-separated file (pyAFQ bug 4) is refused with a hint, not misread', () => {
    expect(() => parseParticipants(tsv('participant_id,age', 'sub-01,1'))).toThrow(/tab-separated/);
  });

  it('an empty file throws InvalidOption', () => {
    for (const text of ['', '\n\n', '\uFEFF']) {
      expect(() => parseParticipants(text)).toThrow(expect.objectContaining({ code: 'InvalidOption' }));
    }
  });

  it('a header with no rows gives an empty table', () => {
    const t = parseParticipants('participant_id\tage\n');
    expect(t.rows).toEqual([]);
    expect(t.ids).toEqual([]);
    expect(t.columns.map((c) => c.name)).toEqual(['participant_id', 'age']);
  });
});

describe('column kinds', () => {
  const rowsOf = (n: number, f: (i: number) => string) =>
    tsv('participant_id\tx', ...Array.from({ length: n }, (_, i) => `sub-${i}\t${f(i)}`));

  it('number when every present value is a decimal number (signs, exponents, leading dot)', () => {
    const t = parseParticipants(rowsOf(5, (i) => ['-1', '+2.5', '1e3', '.5', 'n/a'][i]!));
    expect(t.columns[1]!.kind).toBe('number');
    expect(t.rows.map((r) => r.x)).toEqual([-1, 2.5, 1000, 0.5, null]);
  });

  it('hex, Infinity and decimal commas are not numbers', () => {
    for (const bad of ['0x10', 'Infinity', '1,5']) {
      const t = parseParticipants(rowsOf(3, (i) => (i === 0 ? bad : String(i))));
      expect(t.columns[1]!.kind).toBe('category');
      expect(t.rows[1]!.x).toBe('1');
    }
  });

  it('category when at most 20 distinct values; text beyond that', () => {
    expect(parseParticipants(rowsOf(100, (i) => `g${i % 20}`)).columns[1]!.kind).toBe('category');
    expect(parseParticipants(rowsOf(100, (i) => `g${i % 21}`)).columns[1]!.kind).toBe('text');
  });

  it('category when distinct values are at most 5% of rows, even beyond 20', () => {
    expect(parseParticipants(rowsOf(1000, (i) => `g${i % 50}`)).columns[1]!.kind).toBe('category');
    expect(parseParticipants(rowsOf(1000, (i) => `g${i % 51}`)).columns[1]!.kind).toBe('text');
  });

  it('a column with only n/a is an empty category', () => {
    const t = parseParticipants(rowsOf(4, () => 'n/a'));
    expect(t.columns[1]!.kind).toBe('category');
    expect(t.rows.map((r) => r.x)).toEqual([null, null, null, null]);
  });

  it('participants.json Levels make a category (values stay strings) and supply descriptions', () => {
    const sidecar = {
      sex: { Description: 'sex at birth', Levels: { '1': 'male', '2': 'female' } },
      age: { LongName: 'Age', Description: 'age at scan', Units: 'years' },
      handedness: { Levels: ['left', 'right'] },
    };
    const t = parseParticipants(
      tsv('participant_id\tage\tsex\thandedness', 'sub-01\t10\t1\tleft', 'sub-02\t11\t2\tright'),
      sidecar,
    );
    expect(t.columns[1]).toEqual({ name: 'age', kind: 'number', longName: 'Age', description: 'age at scan', units: 'years' });
    expect(t.columns[2]).toEqual({ name: 'sex', kind: 'category', description: 'sex at birth', levels: { '1': 'male', '2': 'female' } });
    expect(t.columns[3]!.levels).toEqual({ left: 'left', right: 'right' });
    expect(t.rows.map((r) => r.sex)).toEqual(['1', '2']);
    expect(t.issues).toEqual([]);
  });

  it('values outside the declared Levels are reported', () => {
    const t = parseParticipants(tsv('participant_id\tsex', 'sub-01\tM', 'sub-02\tmale'), { sex: { Levels: { M: 'male', F: 'female' } } });
    expect(t.issues).toHaveLength(1);
    expect(t.issues[0]!.message).toContain('male');
  });

  it('a malformed participants.json is reported and ignored', () => {
    const t = parseParticipants(BASIC, ['not', 'an', 'object']);
    expect(t.columns[1]!.kind).toBe('number');
    expect(t.issues).toHaveLength(1);
    expect(t.issues[0]!.message).toMatch(/participants\.json/);
    expect(parseParticipants(BASIC, { age: 'nonsense', sex: null }).issues).toEqual([]);
  });
});

describe('participantsFromIds: the stand-in table of a study without participants.tsv', () => {
  it('has one participant_id column with the subjects found', () => {
    const t = participantsFromIds(['sub-01', 'sub-02']);
    expect(t.ids).toEqual(['sub-01', 'sub-02']);
    expect(t.columns.map((c) => c.name)).toEqual(['participant_id']);
    expect(t.rows.map((r) => r.participant_id)).toEqual(['sub-01', 'sub-02']);
    expect(t).toEqual(parseParticipants('participant_id\nsub-01\nsub-02'));
  });
});
