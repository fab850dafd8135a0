import { describe, expect, it } from 'vitest';
import { parseParticipants } from './parse.ts';
import { niceStep, summarise } from './summarise.ts';
import type { CategorySummary, NumberSummary } from './types.ts';

const tsv = (header: string, values: string[]) =>
  parseParticipants([`participant_id\t${header}`, ...values.map((v, i) => `sub-${i}\t${v}`)].join('\n'));

const num = (s: ReturnType<typeof summarise>) => s as NumberSummary;
const cat = (s: ReturnType<typeof summarise>) => s as CategorySummary;

describe('niceStep', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.3, 3, 7, 12, 0.013, 450].map(niceStep)).toEqual([1, 1, 2, 5, 10, 20, 0.02, 500]);
  });
});

describe('summarise numbers', () => {
  it('bins on nice edges, counts every value once, reports missing', () => {
    const values = ['5', '6.5', '7', '9.9', '10', '21', 'n/a', '14.2'];
    const s = num(summarise(tsv('age', values), 'age', { bins: 4 }));
    expect(s.kind).toBe('number');
    expect(s.edges).toEqual([5, 10, 15, 20, 25]);
    expect(s.counts).toEqual([4, 2, 0, 1]);
    expect(s).toMatchObject({ count: 7, missing: 1, min: 5, max: 21 });
  });

  it('a value on an inner edge goes to the upper bin; the maximum stays in the last bin', () => {
    const s = num(summarise(tsv('x', ['0', '0.1', '0.2', '0.3']), 'x', { bins: 3 }));
    expect(s.edges).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(s.counts).toEqual([1, 1, 1, 1]);
  });

  it('integer data gets bins at least 1 wide', () => {
    const s = num(summarise(tsv('n', ['1', '2', '3']), 'n', { bins: 20 }));
    expect(s.edges).toEqual([1, 2, 3, 4]);
    expect(s.counts).toEqual([1, 1, 1]);
  });

  it('default bin count follows the data size and counts sum to the values', () => {
    const values = Array.from({ length: 1000 }, (_, i) => String(5 + (i % 170) / 10));
    const s = num(summarise(tsv('age', values), 'age'));
    expect(s.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(s.counts.length).toBeGreaterThanOrEqual(5);
    expect(s.counts.length).toBeLessThanOrEqual(30);
    expect(s.edges[0]).toBeLessThanOrEqual(5);
    expect(s.edges.at(-1)).toBeGreaterThan(21.9);
  });

  it('negative values and a single repeated value', () => {
    const neg = num(summarise(tsv('z', ['-2.5', '-1', '0.5']), 'z', { bins: 3 }));
    expect(neg.edges[0]).toBeLessThanOrEqual(-2.5);
    expect(neg.counts.reduce((a, b) => a + b, 0)).toBe(3);
    const one = num(summarise(tsv('z', ['7', '7']), 'z'));
    expect(one.edges).toEqual([7, 8]);
    expect(one.counts).toEqual([2]);
  });

  it('only the given rows when indices are passed', () => {
    const s = num(summarise(tsv('x', ['1', '2', '3', 'n/a']), 'x', { indices: [0, 3] }));
    expect(s).toMatchObject({ count: 1, missing: 1, min: 1, max: 1 });
  });
});

describe('summarise categories and text', () => {
  it('counts by value, most first, ties in order of first appearance; missing separate', () => {
    const s = cat(summarise(tsv('sex', ['Z', 'M', 'F', 'F', 'n/a', 'X', 'M', 'F']), 'sex'));
    expect(s.kind).toBe('category');
    expect(s.values).toEqual([
      { value: 'F', count: 3 },
      { value: 'M', count: 2 },
      { value: 'Z', count: 1 },
      { value: 'X', count: 1 },
    ]);
    expect(s).toMatchObject({ count: 7, missing: 1, distinct: 4, other: 0 });
  });

  it('declared Levels come first in the sidecar order with labels, including zero counts', () => {
    const t = parseParticipants(
      ['participant_id\tsex', 'sub-1\t2', 'sub-2\t2', 'sub-3\t1', 'sub-4\t9'].join('\n'),
      { sex: { Levels: { '1': 'male', '2': 'female', '3': 'other' } } },
    );
    expect(cat(summarise(t, 'sex')).values).toEqual([
      { value: '1', label: 'male', count: 1 },
      { value: '2', label: 'female', count: 2 },
      { value: '3', label: 'other', count: 0 },
      { value: '9', count: 1 },
    ]);
  });

  it('text columns keep the 20 most common values and count the rest as other', () => {
    const values = Array.from({ length: 60 }, (_, i) => `w${i % 30}`);
    const s = cat(summarise(tsv('word', values), 'word'));
    expect(s.kind).toBe('text');
    expect(s.values).toHaveLength(20);
    expect(s.distinct).toBe(30);
    expect(s.other).toBe(20);
  });

  it('an only-n/a column summarises to nothing but its missing count', () => {
    const s = cat(summarise(tsv('x', ['n/a', 'n/a']), 'x'));
    expect(s).toMatchObject({ count: 0, missing: 2, distinct: 0, values: [], other: 0 });
  });
});
