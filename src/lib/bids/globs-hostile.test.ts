import { beforeAll, describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { GLOB_LIMITS, loadGlobMatcher, resolveOptions } from './filters.ts';

// Patterns from a link or typed by hand must never freeze the page: the ones picomatch would take seconds
// to minutes on (each shown here with a key that does it) are refused with a message before matching.
beforeAll(() => loadGlobMatcher());

const refusal = (include: string[]) => {
  try {
    resolveOptions({ include }, 'bids');
  } catch (e) {
    if (isS3BIDSError(e, 'InvalidPattern')) return e.message;
    throw e;
  }
  return undefined;
};

describe('glob patterns that could freeze the tab are refused', () => {
  it('nested extglobs (7 s on a 25-character key before)', () => {
    expect(refusal(['+(a|*(b))'])).toMatch(/nests one pattern group inside another/);
    expect(refusal(['@(x|!(y))*.nii.gz'])).toMatch(/nests/);
  });
  it('alternatives inside a repeated group', () => {
    expect(refusal(['**/*(a|aa)x'])).toMatch(/repeated group/);
    expect(refusal(['+(a*)'])).toMatch(/repeated group/);
  });
  it('many * in one segment (minutes on a 1,000-character key before)', () => {
    expect(refusal(['*a*a*a*b'])).toMatch(/one part of it has 4 \*/);
    expect(refusal(['**/*a/**/*a/**/x'])).toMatch(/3 \*\* parts/);
  });
  it('caps on count and length', () => {
    expect(refusal(Array.from({ length: GLOB_LIMITS.count + 1 }, (_, i) => `*_run-${i}_bold.nii.gz`))).toMatch(/at most 64/);
    expect(refusal(['a'.repeat(GLOB_LIMITS.length + 1)])).toMatch(/513 characters long/);
  });
  it('ordinary patterns still work', () => {
    const o = resolveOptions({ include: ['**/sub-*/anat/*_T1w.nii.gz', '*_dwi.*', '@(anat|dwi)/*', 'sub-0[1-3]/**'], exclude: ['*(x)'] }, 'bids');
    expect(o.keepSubjectPath('sub-01/anat/sub-01_T1w.nii.gz', 'k')).toBe(true);
    expect(o.keepSubjectPath('sub-01/dwi/sub-01_dwi.bval', 'k')).toBe(true);
    expect(o.keepSubjectPath('sub-09/func/sub-09_bold.nii.gz', 'k')).toBe(false);
  });
  it('escaped characters are not counted as wildcards', () => {
    expect(refusal(['a\\*b\\*c\\*d*'])).toBeUndefined();
  });
});
