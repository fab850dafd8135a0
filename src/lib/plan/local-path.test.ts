import { describe, expect, it } from 'vitest';
import { localPathFor, unsafePathReason } from './local-path.ts';

describe('local paths (pyAFQ bug 6: key.split(prefix) broke when the prefix recurs)', () => {
  it('strips the prefix at the start only', () => {
    expect(localPathFor('ds/derivatives/ds/sub-01/ds/a', 'ds').localPath).toBe('derivatives/ds/sub-01/ds/a');
  });
  it('refuses a key outside the prefix', () => {
    expect(localPathFor('other/x', 'ds').refused).toMatch(/not below/);
  });
});

describe('safe local paths', () => {
  it.each([
    ['sub-01/anat/a b+c%d_ü.txt', undefined],
    ['sub-01/../../etc/passwd', /leave the folder/],
    ['/abs', /absolute/],
    ['sub-01//x', /empty segment/],
    ['sub-01/a:b', /refuse/],
    ['sub-01/a*b', /refuse/],
    ['sub-01/what?', /refuse/],
    ['sub-01/trailing.', /space or a dot/],
    ['sub-01/trailing ', /space or a dot/],
    ['sub-01/CON.txt', /reserved/],
    ['sub-01/' + 'x'.repeat(256), /255 bytes/],
    ['.s3bids/manifest.json', /reserved/],
    ['', /empty/],
  ])('%j', (p, reason) => {
    const r = unsafePathReason(p);
    if (reason === undefined) expect(r).toBeUndefined();
    else expect(r).toMatch(reason);
  });
});
