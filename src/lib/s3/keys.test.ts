import { describe, expect, it } from 'vitest';
import { belongsTo, joinKey, normalisePrefix, relativeKey, subjectIdOf } from './keys.ts';

describe('prefixes (pyAFQ bug 3: a leading or trailing / lost every subject file)', () => {
  it.each([
    ['/studies/ds/', 'studies/ds'],
    ['studies/ds', 'studies/ds'],
    ['///a//b///', 'a//b'],
    ['/', ''],
    ['', ''],
  ])('normalises %j to %j', (input, out) => expect(normalisePrefix(input)).toBe(out));

  it('joins at the bucket root without a leading slash', () => {
    expect(joinKey('', 'sub-01')).toBe('sub-01');
    expect(joinKey('a/b', 'sub-01')).toBe('a/b/sub-01');
  });
});

describe('relative keys (pyAFQ bug 6: key.split(prefix) broke when the prefix recurs)', () => {
  it('strips the prefix at the start only', () => {
    expect(relativeKey('ds/sub-01/ds/x.nii.gz', 'ds')).toBe('sub-01/ds/x.nii.gz');
  });
  it('refuses a key outside the prefix', () => {
    expect(relativeKey('other/sub-01/x', 'ds')).toBeUndefined();
  });
});

describe('subject boundaries (pyAFQ bug 2: sub-01 took sub-010’s files)', () => {
  it('reads subject ids from names', () => {
    expect(subjectIdOf('sub-01')).toBe('sub-01');
    expect(subjectIdOf('sub-01.html')).toBe('sub-01');
    expect(subjectIdOf('sub-01-x')).toBe('sub-01');
    expect(subjectIdOf('sub-NDARAA075AMK')).toBe('sub-NDARAA075AMK');
    expect(subjectIdOf('derivatives')).toBeUndefined();
    expect(subjectIdOf('sub-')).toBeUndefined();
  });
  it('keeps sub-010 out of sub-01', () => {
    expect(belongsTo('sub-01/anat/x.nii.gz', 'sub-01')).toBe(true);
    expect(belongsTo('sub-01.html', 'sub-01')).toBe(true);
    expect(belongsTo('sub-010/anat/x.nii.gz', 'sub-01')).toBe(false);
    expect(belongsTo('sub-010.html', 'sub-01')).toBe(false);
  });
});
