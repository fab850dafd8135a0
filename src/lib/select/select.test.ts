import { describe, expect, it } from 'vitest';
import { isS3BIDSError, type S3BIDSErrorCode } from '../errors/index.ts';
import { compareCodePoints, sortCodePoints } from './compare.ts';
import { selectSubjects, type SubjectsSpec } from './select.ts';
import vectors from './vectors/numpy.json';

const two = (n: number) => Array.from({ length: n }, (_, i) => `sub-${String(i + 1).padStart(2, '0')}`);
const SIX = ['sub-01', 'sub-010', 'sub-02', 'sub-03', 'sub-04', 'sub-05'];

function codeOf(fn: () => unknown): S3BIDSErrorCode | 'no error' | 'not S3BIDSError' {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return isS3BIDSError(e) ? e.code : 'not S3BIDSError';
  }
}

describe('the test vectors of docs/contract.md, "Subjects"', () => {
  it('seed 42 on six subjects', () => {
    const r = selectSubjects(SIX, 'all', 42);
    expect(r.shuffled).toEqual(['sub-01', 'sub-010', 'sub-05', 'sub-02', 'sub-04', 'sub-03']);
  });

  it('seed 0 on sub-01 … sub-26', () => {
    const r = selectSubjects(two(26), 8, 0);
    expect(r.shuffled.slice(0, 8)).toEqual(['sub-03', 'sub-21', 'sub-15', 'sub-18', 'sub-06', 'sub-12', 'sub-23', 'sub-14']);
    expect(r.subjects).toEqual(['sub-03', 'sub-06', 'sub-12', 'sub-14', 'sub-15', 'sub-18', 'sub-21', 'sub-23']);
  });

  it('seed 4294967295 on sub-01 … sub-26', () => {
    const r = selectSubjects(two(26), 8, 4294967295);
    expect(r.shuffled.slice(0, 8)).toEqual(['sub-25', 'sub-09', 'sub-26', 'sub-20', 'sub-05', 'sub-10', 'sub-16', 'sub-02']);
  });

  it('input order does not matter: the list is sorted before shuffling', () => {
    const r = selectSubjects([...SIX].reverse(), 'all', 42);
    expect(r.shuffled).toEqual(['sub-01', 'sub-010', 'sub-05', 'sub-02', 'sub-04', 'sub-03']);
  });
});

describe('sorting by code point, as Python does', () => {
  it('matches Python sorted() on non-ASCII ids, including astral characters', () => {
    const shuffledInput = [...vectors.sortedIds].reverse();
    expect(sortCodePoints(shuffledInput)).toEqual(vectors.sortedIds);
    // The UTF-16 order JavaScript uses by default differs on these ids, so the test can tell.
    expect([...shuffledInput].sort()).not.toEqual(vectors.sortedIds);
  });

  it('puts U+1F600 after U+FF21 (UTF-16 would not) and is not locale-aware', () => {
    expect(compareCodePoints('sub-\u{1F600}', 'sub-\uFF21')).toBeGreaterThan(0);
    expect(compareCodePoints('sub-B', 'sub-a')).toBeLessThan(0);
    expect(compareCodePoints('sub-01', 'sub-010')).toBeLessThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });

  it.each(vectors.idShuffles.map((v) => [v.seed, v.order] as const))(
    'seed %d shuffles non-ASCII ids as numpy does',
    (seed, order) => {
      expect(selectSubjects([...vectors.sortedIds].reverse(), 'all', seed).shuffled).toEqual(order);
    },
  );
});

describe('selection forms', () => {
  const all = two(26);

  it('undefined picks one subject: the first of the shuffled list', () => {
    const r = selectSubjects(all, undefined, 0);
    expect(r.subjects).toEqual(['sub-03']);
  });

  it('n picks the first n shuffled, sorted; n >= count gives all', () => {
    expect(selectSubjects(SIX, 3, 42).subjects).toEqual(['sub-01', 'sub-010', 'sub-05']);
    expect(selectSubjects(SIX, 6, 42).subjects).toEqual([...SIX]);
    expect(selectSubjects(SIX, 1000, 42).subjects).toEqual([...SIX]);
  });

  it('positions index the shuffled list, negatives from the end, duplicates once', () => {
    // shuffled (seed 42): 01, 010, 05, 02, 04, 03
    expect(selectSubjects(SIX, [2, -1], 42).subjects).toEqual(['sub-03', 'sub-05']);
    expect(selectSubjects(SIX, [0, -6, 0], 42).subjects).toEqual(['sub-01']);
  });

  it("'all' gives every subject sorted, deduplicated", () => {
    expect(selectSubjects(['sub-b', 'sub-a', 'sub-b'], 'all', 1).subjects).toEqual(['sub-a', 'sub-b']);
  });

  it('ids name subjects; duplicates dropped; result sorted; bare labels accepted', () => {
    expect(selectSubjects(all, 'sub-07', 0).subjects).toEqual(['sub-07']);
    expect(selectSubjects(all, ['sub-09', 'sub-02', 'sub-09'], 0).subjects).toEqual(['sub-02', 'sub-09']);
    expect(selectSubjects(all, ['05', 'sub-05'], 0).subjects).toEqual(['sub-05']);
  });

  it('unknown ids are UnknownSubject, naming each one', () => {
    try {
      selectSubjects(all, ['sub-01', 'sub-99', 'sub-x'], 0);
      expect.unreachable();
    } catch (e) {
      expect(isS3BIDSError(e, 'UnknownSubject')).toBe(true);
      expect((e as Error).message).toContain('"sub-99"');
      expect((e as Error).message).toContain('"sub-x"');
      expect((e as Error).message).not.toContain('"sub-01"');
    }
    expect(codeOf(() => selectSubjects(all, 'sub-27', 0))).toBe('UnknownSubject');
  });

  it.each<[string, unknown]>([
    ['0', 0],
    ['negative n', -3],
    ['non-integer n', 2.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['empty array', []],
    ['non-integer position', [1, 1.5]],
    ['position out of range', [26]],
    ['negative position out of range', [-27]],
    ['mixed array', [1, 'sub-01']],
    ['empty id', ''],
    ['empty id in list', ['sub-01', '']],
    ['null', null],
    ['boolean', true],
    ['object', { n: 1 }],
  ])('%s is InvalidSubjects', (_name, spec) => {
    expect(codeOf(() => selectSubjects(all, spec as SubjectsSpec, 0))).toBe('InvalidSubjects');
  });

  it('an empty study is NoSubjects, whatever the selection', () => {
    for (const spec of [undefined, 1, 'all', 'sub-01', [0]] as SubjectsSpec[]) {
      expect(codeOf(() => selectSubjects([], spec, 0))).toBe('NoSubjects');
    }
  });
});

describe('seed', () => {
  it.each<[string, unknown]>([
    ['negative', -1],
    ['2^32', 2 ** 32],
    ['fraction', 0.5],
    ['NaN', Number.NaN],
    ['string', '42'],
  ])('%s is InvalidOption', (_name, seed) => {
    expect(codeOf(() => selectSubjects(SIX, 'all', seed as number))).toBe('InvalidOption');
  });

  it('accepts the bounds 0 and 2^32 - 1 and returns the seed given', () => {
    expect(selectSubjects(SIX, 2, 0).seed).toBe(0);
    expect(selectSubjects(SIX, 2, 2 ** 32 - 1).seed).toBe(2 ** 32 - 1);
  });

  it('draws a seed when none is given, returns it, and that seed repeats the choice', () => {
    const all = two(300);
    const drawn = new Set<number>();
    for (let i = 0; i < 5; i++) {
      const r = selectSubjects(all, 10);
      expect(Number.isInteger(r.seed) && r.seed >= 0 && r.seed < 2 ** 32).toBe(true);
      expect(selectSubjects(all, 10, r.seed)).toEqual(r);
      drawn.add(r.seed);
    }
    expect(drawn.size).toBeGreaterThan(1);
  });
});
