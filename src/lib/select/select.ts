import { S3BIDSError } from '../errors/index.ts';
import { sortCodePoints } from './compare.ts';
import { numpyShuffle } from './shuffle.ts';
import { describeValue as describe, drawSeed, validateSeed } from './seed.ts';

/** What `S3BIDSStudy.open({ subjects })` accepts (docs/contract.md, "Subjects"). */
export type SubjectsSpec = number | readonly number[] | string | readonly string[] | 'all' | undefined;

export interface Selection {
  /** The chosen subject ids, sorted by code point. */
  subjects: string[];
  /** The seed actually used: the caller's, or a freshly drawn one to show the user. */
  seed: number;
  /** Every subject in the seed's shuffled order (what integer selections index into). */
  shuffled: string[];
}

/**
 * Chooses subjects as pyAFQ's `S3BIDSStudy` does: integers pick from numpy's
 * `RandomState(seed).shuffle(sorted(allSubjects))`, strings name subjects directly.
 */
export function selectSubjects(
  allSubjects: readonly string[],
  subjects: SubjectsSpec,
  seed?: number,
): Selection {
  const usedSeed = seed === undefined ? drawSeed() : validateSeed(seed);
  const spec = classify(subjects);
  const sorted = sortCodePoints(new Set(allSubjects));
  if (sorted.length === 0) {
    throw new S3BIDSError('NoSubjects', 'This study has no subjects (no sub-* folders) to choose from.');
  }
  const shuffled = numpyShuffle(sorted, usedSeed);
  const done = (chosen: Iterable<string>): Selection => ({
    subjects: sortCodePoints(new Set(chosen)),
    seed: usedSeed,
    shuffled,
  });

  switch (spec.kind) {
    case 'all':
      return done(sorted);
    case 'count':
      return done(shuffled.slice(0, spec.n));
    case 'positions': {
      const n = shuffled.length;
      const bad = spec.positions.filter((p) => p < -n || p >= n);
      if (bad.length > 0) {
        throw new S3BIDSError(
          'InvalidSubjects',
          `Subject position${bad.length > 1 ? 's' : ''} ${bad.join(', ')} out of range: ` +
            `this study has ${n} subject${n === 1 ? '' : 's'} (positions ${-n} to ${n - 1}).`,
        );
      }
      return done(spec.positions.map((p) => shuffled[p < 0 ? n + p : p]!));
    }
    case 'ids': {
      const known = new Set(sorted);
      const chosen: string[] = [];
      const unknown: string[] = [];
      for (const id of spec.ids) {
        // A bare label ("01") is accepted for "sub-01", as participants.tsv ids are.
        const match = known.has(id) ? id : !id.startsWith('sub-') && known.has(`sub-${id}`) ? `sub-${id}` : undefined;
        if (match === undefined) unknown.push(id);
        else chosen.push(match);
      }
      if (unknown.length > 0) {
        const list = [...new Set(unknown)].map((u) => JSON.stringify(u)).join(', ');
        throw new S3BIDSError(
          'UnknownSubject',
          `Not in this study: ${list}. Check the spelling against the study's subject list.`,
        );
      }
      return done(chosen);
    }
  }
}

type Spec =
  | { kind: 'all' }
  | { kind: 'count'; n: number }
  | { kind: 'positions'; positions: number[] }
  | { kind: 'ids'; ids: string[] };

function classify(subjects: unknown): Spec {
  if (subjects === undefined) return { kind: 'count', n: 1 };
  if (subjects === 'all') return { kind: 'all' };
  if (typeof subjects === 'number') {
    if (!Number.isInteger(subjects) || subjects < 1) {
      throw invalid(`a number of subjects must be a whole number of at least 1; got ${describe(subjects)}`);
    }
    return { kind: 'count', n: subjects };
  }
  if (typeof subjects === 'string') {
    if (subjects === '') throw invalid('a subject id cannot be empty');
    return { kind: 'ids', ids: [subjects] };
  }
  if (Array.isArray(subjects)) {
    if (subjects.length === 0) throw invalid('the list of subjects is empty');
    if (subjects.every((s) => typeof s === 'number')) {
      const bad = subjects.filter((s) => !Number.isInteger(s));
      if (bad.length > 0) throw invalid(`subject positions must be whole numbers; got ${bad.join(', ')}`);
      return { kind: 'positions', positions: subjects };
    }
    if (subjects.every((s) => typeof s === 'string')) {
      if (subjects.includes('')) throw invalid('a subject id cannot be empty');
      return { kind: 'ids', ids: subjects };
    }
    throw invalid('a list of subjects must be all positions (numbers) or all ids (strings), not a mix');
  }
  throw invalid(`expected 'all', a number, subject ids or positions; got ${describe(subjects)}`);
}

function invalid(why: string): S3BIDSError {
  return new S3BIDSError('InvalidSubjects', `Cannot choose subjects: ${why}.`);
}
