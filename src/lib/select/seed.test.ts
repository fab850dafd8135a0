import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { isValidSeed, seedFromText, validateSeed } from './seed.ts';

describe('the seed rule', () => {
  it.each([
    [0, true],
    [42, true],
    [4294967295, true],
    [4294967296, false],
    [-1, false],
    [1.5, false],
    [Number.NaN, false],
    ['42', false],
    [undefined, false],
  ])('isValidSeed(%j) is %j', (v, ok) => expect(isValidSeed(v)).toBe(ok));

  it('reads seeds people type, and nothing else', () => {
    expect(seedFromText('42')).toBe(42);
    expect(seedFromText(' 7 ')).toBe(7);
    expect(seedFromText('0')).toBe(0);
    expect(seedFromText('')).toBeUndefined();
    expect(seedFromText('  ')).toBeUndefined();
    expect(seedFromText('4294967296')).toBeUndefined();
    expect(seedFromText('1e3')).toBe(1000);
    expect(seedFromText('abc')).toBeUndefined();
    expect(seedFromText('-3')).toBeUndefined();
  });

  it('names a bad seed as InvalidOption', () => {
    expect(validateSeed(3)).toBe(3);
    try {
      validateSeed('x');
      expect.unreachable();
    } catch (e) {
      expect(isS3BIDSError(e, 'InvalidOption')).toBe(true);
      expect((e as Error).message).toMatch(/whole number from 0 to 4294967295; got "x"/);
    }
  });
});
