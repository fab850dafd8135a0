export { MT19937 } from './mt19937.ts';
export { numpyShuffle, randomInterval } from './shuffle.ts';
export { compareCodePoints, sortCodePoints } from './compare.ts';
export { selectSubjects, drawSeed, validateSeed } from './select.ts';
export type { Selection, SubjectsSpec } from './select.ts';
