import { describe, expect, it } from 'vitest';
import { MT19937 } from './mt19937.ts';
import { numpyShuffle, randomInterval } from './shuffle.ts';
import vectors from './vectors/numpy.json';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('numpyShuffle', () => {
  it.each(vectors.shuffles.map((s) => [s.seed, s.n, s.order] as const))(
    'seed %d, %d items: same order as numpy RandomState.shuffle',
    (seed, n, order) => {
      expect(numpyShuffle(range(n), seed)).toEqual(order);
    },
  );

  it.each(vectors.large.map((v) => [v.seed, v.n, v] as const))(
    'seed %d, %d items (mask wider than 16 bits): same ends as numpy',
    (seed, n, v) => {
      const out = numpyShuffle(range(n), seed);
      expect(out.slice(0, 16)).toEqual(v.head);
      expect(out.slice(-16)).toEqual(v.tail);
    },
  );

  it('covers sizes up to 300, powers of two and one more, and every required seed', () => {
    const sizes = new Set(vectors.shuffles.map((s) => s.n));
    const seeds = new Set(vectors.shuffles.map((s) => s.seed));
    for (const n of [1, 2, 32, 33, 128, 129, 256, 257, 300]) expect(sizes.has(n)).toBe(true);
    for (const s of [0, 1, 42, 2 ** 31, 2 ** 32 - 1]) expect(seeds.has(s)).toBe(true);
  });

  it('leaves its input untouched and handles empty lists', () => {
    const input = ['a', 'b', 'c'];
    numpyShuffle(input, 3);
    expect(input).toEqual(['a', 'b', 'c']);
    expect(numpyShuffle([], 3)).toEqual([]);
  });
});

describe('randomInterval', () => {
  it('stays within [0, max] and consumes one word when the mask fits exactly', () => {
    const a = new MT19937(7);
    const b = new MT19937(7);
    for (let i = 0; i < 200; i++) {
      const v = randomInterval(a, 255);
      expect(v).toBe(b.nextUint32() & 255);
    }
    const c = new MT19937(9);
    for (let i = 0; i < 500; i++) {
      const v = randomInterval(c, 5);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(5);
    }
    expect(randomInterval(c, 0)).toBe(0);
  });

  it('handles max near 2^32 without sign trouble', () => {
    const rng = new MT19937(1);
    for (let i = 0; i < 50; i++) {
      const v = randomInterval(rng, 0xfffffffe);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(0xfffffffe);
    }
  });
});
