import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { parseParticipants } from './parse.ts';
import { applyFilters, flagMissing, idsOfRows, sortRows } from './query.ts';

const table = parseParticipants(
  [
    'participant_id\tage\tsex\tsite\tnote',
    'sub-01\t10\tM\tRU\tleft-handed, glasses',
    'sub-02\tn/a\tF\tSI\tn/a',
    'sub-03\t7.5\tn/a\tRU\tGlasses',
    'sub-04\t12\tF\tCBIC\tnone',
    'sub-05\t10\tM\tn/a\tsub-2',
    'sub-06\t3\tF\tSI\tsub-10',
  ].join('\n'),
);

describe('applyFilters', () => {
  it('no filters: every row', () => {
    expect(applyFilters(table, [])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('range is inclusive, open-ended when min or max is absent, and missing fails it', () => {
    expect(applyFilters(table, [{ column: 'age', kind: 'range', min: 7.5, max: 10 }])).toEqual([0, 2, 4]);
    expect(applyFilters(table, [{ column: 'age', kind: 'range', min: 10 }])).toEqual([0, 3, 4]);
    expect(applyFilters(table, [{ column: 'age', kind: 'range', max: 7.5 }])).toEqual([2, 5]);
    expect(applyFilters(table, [{ column: 'age', kind: 'range' }])).toEqual([0, 2, 3, 4, 5]);
  });

  it('pick keeps the listed values; missing fails it', () => {
    expect(applyFilters(table, [{ column: 'site', kind: 'pick', values: ['RU', 'SI'] }])).toEqual([0, 1, 2, 5]);
    expect(applyFilters(table, [{ column: 'site', kind: 'pick', values: [] }])).toEqual([]);
  });

  it('pick on a number column compares the value as text', () => {
    expect(applyFilters(table, [{ column: 'age', kind: 'pick', values: ['10'] }])).toEqual([0, 4]);
  });

  it('text matches case-insensitively; an empty needle filters nothing', () => {
    expect(applyFilters(table, [{ column: 'note', kind: 'text', contains: 'GLASSES' }])).toEqual([0, 2]);
    expect(applyFilters(table, [{ column: 'note', kind: 'text', contains: '  ' }])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('filters combine with AND', () => {
    expect(
      applyFilters(table, [
        { column: 'sex', kind: 'pick', values: ['F'] },
        { column: 'age', kind: 'range', min: 5 },
      ]),
    ).toEqual([3]);
  });

  it('an unknown column is InvalidOption', () => {
    expect(() => applyFilters(table, [{ column: 'constructor', kind: 'text', contains: 'x' }])).toThrow(
      expect.objectContaining({ code: 'InvalidOption' }),
    );
  });
});

describe('sortRows', () => {
  it('numbers ascending, stable for ties, missing last', () => {
    expect(sortRows(table, 'age', 'asc')).toEqual([5, 2, 0, 4, 3, 1]);
  });

  it('descending keeps ties in file order and missing still last', () => {
    expect(sortRows(table, 'age', 'desc')).toEqual([3, 0, 4, 2, 5, 1]);
    expect(sortRows(table, 'site', 'desc')).toEqual([1, 5, 0, 2, 3, 4]);
  });

  it('text in natural order, case-insensitive', () => {
    const order = sortRows(table, 'note', 'asc');
    expect(order.map((i) => table.rows[i]!.note)).toEqual(['Glasses', 'left-handed, glasses', 'none', 'sub-2', 'sub-10', null]);
  });

  it('sorts only the given indices when asked', () => {
    expect(sortRows(table, 'age', 'asc', [0, 1, 5])).toEqual([5, 0, 1]);
  });

  it('an unknown column is InvalidOption', () => {
    try {
      sortRows(table, 'weight');
      expect.unreachable();
    } catch (e) {
      expect(isS3BIDSError(e, 'InvalidOption')).toBe(true);
    }
  });
});

describe('ids', () => {
  it('idsOfRows maps row indices to distinct ids', () => {
    expect(idsOfRows(table, [3, 0, 3])).toEqual(['sub-04', 'sub-01']);
  });

  it('flagMissing lists TSV ids with no data on S3, in TSV order', () => {
    expect(flagMissing(table, ['sub-02', 'sub-04', 'sub-05', 'sub-99'])).toEqual(['sub-01', 'sub-03', 'sub-06']);
    expect(flagMissing(table, table.ids)).toEqual([]);
  });
});
