import { describe, expect, it } from 'vitest';
import { selectSubjects } from '../select/index.ts';
import { applyFilters, parseParticipants, sortRows, summarise } from './index.ts';

// The same engine code in Chromium: papaparse's CommonJS default export through Vite,
// Intl.Collator, crypto.getRandomValues.
describe('participants and selection in the browser', () => {
  it('parses a BOM + CRLF file, filters, sorts and summarises', () => {
    const text = '\uFEFFparticipant_id\tage\tsex\r\n01\t10\tM\r\nsub-02\tn/a\tF\r\nsub-10\t7\t"F"\r\n\r\n';
    const t = parseParticipants(text, { sex: { Levels: { M: 'male', F: 'female' } } });
    expect(t.ids).toEqual(['sub-01', 'sub-02', 'sub-10']);
    expect(t.rows.map((r) => r.age)).toEqual([10, null, 7]);
    expect(applyFilters(t, [{ column: 'sex', kind: 'pick', values: ['F'] }])).toEqual([1, 2]);
    expect(sortRows(t, 'age', 'asc')).toEqual([2, 0, 1]);
    const s = summarise(t, 'sex');
    expect(s.kind === 'category' && s.values.map((v) => [v.label, v.count])).toEqual([
      ['male', 1],
      ['female', 2],
    ]);
  });

  it('shuffles as numpy does and draws a seed when none is given', () => {
    const six = ['sub-01', 'sub-010', 'sub-02', 'sub-03', 'sub-04', 'sub-05'];
    expect(selectSubjects(six, 'all', 42).shuffled).toEqual(['sub-01', 'sub-010', 'sub-05', 'sub-02', 'sub-04', 'sub-03']);
    const drawn = selectSubjects(six, 2);
    expect(selectSubjects(six, 2, drawn.seed).subjects).toEqual(drawn.subjects);
  });
});
