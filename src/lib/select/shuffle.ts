import { MT19937 } from './mt19937.ts';

/**
 * numpy's legacy `random_interval(max)`: a uniform integer in [0, max] by masked rejection.
 * Only the 32-bit branch exists here: lists longer than 2^32 are not a concern.
 */
export function randomInterval(rng: MT19937, max: number): number {
  if (max === 0) return 0;
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  mask >>>= 0;
  let value: number;
  do value = (rng.nextUint32() & mask) >>> 0;
  while (value > max);
  return value;
}

/**
 * Returns a copy of `items` in the order numpy's `RandomState(seed).shuffle(items)` leaves a
 * Python list (the untyped path: Fisher–Yates from the end), so a seed picks what pyAFQ picks.
 */
export function numpyShuffle<T>(items: readonly T[], seed: number): T[] {
  const rng = new MT19937(seed);
  const x = items.slice();
  for (let i = x.length - 1; i >= 1; i--) {
    const j = randomInterval(rng, i);
    const tmp = x[i]!;
    x[i] = x[j]!;
    x[j] = tmp;
  }
  return x;
}
