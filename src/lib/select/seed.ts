// The random seed: one rule for what a seed is (numpy's `RandomState` takes 0 to 2^32 − 1), used by the
// shuffle, by opening a study and by the app's seed field and URL.
import { S3BIDSError } from '../errors/index.ts';

const MAX_SEED = 0xffffffff;

/** A fresh seed in [0, 2^32) from the platform's CSPRNG. */
export function drawSeed(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return buf[0]!;
}

/** Whether `seed` is one numpy's `RandomState` takes: a whole number from 0 to 2^32 − 1. The one seed rule. */
export function isValidSeed(seed: unknown): seed is number {
  return typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;
}

/** A seed typed by a person (a form field, the URL), or undefined when the text is blank or not a valid seed. */
export function seedFromText(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return isValidSeed(n) ? n : undefined;
}

/** `seed` when valid; otherwise an `InvalidOption` error that says what a seed must be. */
export function validateSeed(seed: unknown): number {
  if (!isValidSeed(seed)) {
    throw new S3BIDSError(
      'InvalidOption',
      `The random seed must be a whole number from 0 to ${MAX_SEED}; got ${describeValue(seed)}.`,
    );
  }
  return seed;
}

/** A value as an error message names it. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v == null) return String(v);
  return Array.isArray(v) ? 'a list' : typeof v;
}
