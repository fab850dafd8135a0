// Choosing subjects as pyAFQ does: numpy's legacy shuffle (MT19937), code point order, the seed rule.
// Depends on errors/ only.
export { MT19937 } from './mt19937.ts';
export { numpyShuffle, randomInterval } from './shuffle.ts';
export { compareCodePoints, sortCodePoints } from './compare.ts';
export { selectSubjects } from './select.ts';
export { drawSeed, validateSeed, isValidSeed, seedFromText } from './seed.ts';
export type { Selection, SubjectsSpec } from './select.ts';
