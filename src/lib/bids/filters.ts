// Download options checked and turned into filters on keys (docs/contract.md, "Filters"): the place to add
// a filter, beside its option in plan/types.ts.
import type picomatchType from 'picomatch';
import { S3BIDSError } from '../errors/index.ts';
import type { DownloadOptions, EntityFacet } from '../plan/index.ts';
import { ENTITY_FACETS, facetValue, type KeyEntities } from './entities.ts';

/** The four top-level files pyAFQ knows by name; others are chosen with `true`/'all'. */
export const MODALITY_AGNOSTIC = ['dataset_description.json', 'CHANGES', 'README', 'LICENSE'] as const;
export type ModalityAgnosticName = (typeof MODALITY_AGNOSTIC)[number];

/** Pipeline names asked for, and whether they match whole names only. */
export type PipelineNames = readonly string[] & { readonly exact?: boolean };

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  modalityAgnostic: 'all' | 'none' | readonly string[];
  /** Names of pipelines; `exact` (includeDerivsExact) matches whole names instead of pyAFQ's name parts. */
  derivs: 'all' | 'none' | PipelineNames;
  derivsDatasetDescription: boolean;
  /** `topLevelFiles`: top-level files by exact name, replacing `modalityAgnostic`; undefined when not given. */
  topLevelFiles: ReadonlySet<string> | undefined;
  /** Subject raw and derivative keys, relative to the study. */
  keepSubjectPath: (rel: string, key: string) => boolean;
  /** The entity filters given (non-empty lists only), as sets; empty when none: every key is kept. */
  entityFilters: ReadonlyMap<EntityFacet, ReadonlySet<string>>;
  overwrite: boolean;
  concurrency: number | undefined;
  verify: boolean;
}

const invalid = (message: string) => new S3BIDSError('InvalidOption', message);

function stringList(v: unknown, what: string): readonly string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  throw invalid(`${what} must be true, false, a string or a list of strings.`);
}

/** Checks and completes download options; `flavour` sets pyAFQ's defaults (BIDS vs HBN). */
export function resolveOptions(opts: DownloadOptions, flavour: 'bids' | 'hbn'): ResolvedOptions {
  const ma = opts.includeModalityAgnostic ?? (flavour === 'hbn' ? false : ['dataset_description.json']);
  let modalityAgnostic: ResolvedOptions['modalityAgnostic'];
  if (ma === true || ma === 'all') modalityAgnostic = 'all';
  else if (ma === false) modalityAgnostic = 'none';
  else {
    const names = stringList(ma, 'includeModalityAgnostic');
    const unknown = names.filter((n) => !(MODALITY_AGNOSTIC as readonly string[]).includes(n));
    if (unknown.length)
      throw invalid(
        `includeModalityAgnostic accepts true, 'all', false or names among ${MODALITY_AGNOSTIC.join(', ')}; got ${unknown.map((u) => JSON.stringify(u)).join(', ')}.`,
      );
    modalityAgnostic = names;
  }

  const d = opts.includeDerivs ?? false;
  const derivs: ResolvedOptions['derivs'] =
    d === true ? 'all' : d === false ? 'none' : Object.assign([...stringList(d, 'includeDerivs')], { exact: opts.includeDerivsExact === true });
  if (Array.isArray(derivs) && derivs.length === 0) throw invalid('includeDerivs is an empty list: pass false to include no derivatives.');

  if (opts.suffix !== undefined && typeof opts.suffix !== 'string') throw invalid('suffix must be a string.');
  const suffix = opts.suffix ?? '';
  const include = compileGlobs(opts.include, 'include');
  const exclude = compileGlobs(opts.exclude, 'exclude');

  let topLevelFiles: ReadonlySet<string> | undefined;
  if (opts.topLevelFiles !== undefined) {
    if (!Array.isArray(opts.topLevelFiles) || !opts.topLevelFiles.every((n) => typeof n === 'string'))
      throw invalid('topLevelFiles must be a list of file names.');
    topLevelFiles = new Set(opts.topLevelFiles);
  }

  const c = opts.concurrency;
  if (c !== undefined && (!Number.isInteger(c) || c < 1 || c > 64)) throw invalid('concurrency must be a whole number from 1 to 64.');

  return {
    modalityAgnostic,
    derivs,
    derivsDatasetDescription: opts.includeDerivsDatasetDescription ?? true,
    keepSubjectPath: (rel, key) =>
      key.endsWith(suffix) && (include === undefined || include(rel)) && (exclude === undefined || !exclude(rel)),
    topLevelFiles,
    entityFilters: entityFiltersOf(opts.entities),
    overwrite: opts.overwrite ?? false,
    concurrency: c,
    verify: opts.verify ?? false,
  };
}

function entityFiltersOf(e: DownloadOptions['entities']): Map<EntityFacet, ReadonlySet<string>> {
  const out = new Map<EntityFacet, ReadonlySet<string>>();
  if (e === undefined) return out;
  if (e === null || typeof e !== 'object' || Array.isArray(e)) throw invalid(`entities must be an object with lists among ${ENTITY_FACETS.join(', ')}.`);
  for (const [k, v] of Object.entries(e)) {
    if (!(ENTITY_FACETS as readonly string[]).includes(k)) throw invalid(`entities accepts ${ENTITY_FACETS.join(', ')}; got ${JSON.stringify(k)}.`);
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalid(`entities.${k} must be a list of strings ('' for files without it).`);
    if (v.length) out.set(k as EntityFacet, new Set(v));
  }
  return out;
}

/** Whether a subject key's entities pass every entity filter. */
export function entitiesKept(e: KeyEntities, filters: ResolvedOptions['entityFilters']): boolean {
  for (const [f, values] of filters) if (!values.has(facetValue(e, f))) return false;
  return true;
}

// picomatch loads on first need (include/exclude globs are rare), keeping it out of the app's first load.
// Async callers (S3BIDSStudy.plan/download) load it themselves; sync callers with globs call loadGlobMatcher first.
let picomatch: typeof picomatchType | undefined;

/** Loads the glob matcher used by `include`/`exclude`; resolves at once once loaded. */
export async function loadGlobMatcher(): Promise<void> {
  picomatch ??= (await import('picomatch')).default;
}

/** Limits that keep glob matching cheap whatever a link or a typed pattern holds (README, "Faults and bad input"). */
export const GLOB_LIMITS = {
  /** Patterns per list. */
  count: 64,
  /** Characters per pattern. */
  length: 512,
  /** `*` wildcards within one path segment, and in the whole pattern (`**` segments counted apart). */
  starsPerSegment: 2,
  stars: 4,
  /** `**` segments, counting the one added in front of a pattern without `/`. */
  globstars: 2,
} as const;

const refused = (what: string, pattern: string, why: string) =>
  new S3BIDSError('InvalidPattern', `The ${what} pattern ${JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 57)}…` : pattern)} is refused: ${why}`);

/**
 * Refuses patterns whose matching could take time growing faster than the key's length: the matcher
 * (picomatch) builds a backtracking regular expression, and nested or repeated alternatives, or many
 * `*` in a row, make some keys take seconds to minutes each. What is left matches a 1,024-character
 * key (the S3 maximum) in a few milliseconds at worst.
 */
export function checkGlobs(globs: readonly string[], what: string): void {
  if (globs.length > GLOB_LIMITS.count) throw new S3BIDSError('InvalidPattern', `${what} holds ${globs.length} patterns; at most ${GLOB_LIMITS.count} are accepted.`);
  for (const g of globs) {
    if (g.length > GLOB_LIMITS.length) throw refused(what, g, `it is ${g.length} characters long; at most ${GLOB_LIMITS.length} are accepted.`);
    const plain = g.replace(/\\./g, 'x');
    // Extglobs: `@(…)`, `?(…)`, `*(…)`, `+(…)`, `!(…)`.
    let nest = 0;
    for (let i = 0; i < plain.length; i++) {
      if (plain[i] === '(') {
        if (nest > 0 && i > 0 && '@?*+!'.includes(plain[i - 1]!))
          throw refused(what, g, 'it nests one pattern group inside another, which can take minutes to match. Write the alternatives out instead.');
        nest++;
      } else if (plain[i] === ')' && nest > 0) nest--;
    }
    let depth = 0;
    const open: string[] = [];
    for (let i = 0; i < plain.length; i++) {
      const c = plain[i]!;
      if (c === '(' && i > 0 && '@?*+!'.includes(plain[i - 1]!)) {
        depth++;
        open.push(plain[i - 1]!);
      } else if (c === '(') {
        depth++;
        open.push('(');
      } else if (c === ')' && depth > 0) {
        depth--;
        open.pop();
      } else if (depth > 0 && (open.at(-1) === '*' || open.at(-1) === '+') && (c === '|' || c === '[' || ((c === '*' || c === '?') && plain[i + 1] !== '('))) {
        throw refused(what, g, 'a repeated group *(…) or +(…) may hold only plain text, since alternatives inside it can take minutes to match.');
      }
    }
    const full = g.includes('/') ? plain : `**/${plain}`;
    const segments = full.split('/');
    const globstars = segments.filter((s) => s === '**').length;
    if (globstars > GLOB_LIMITS.globstars)
      throw refused(what, g, `it has ${globstars} ** parts (a pattern without / counts one in front); at most ${GLOB_LIMITS.globstars} are accepted.`);
    let stars = 0;
    for (const s of segments) {
      if (s === '**') continue;
      const n = s.match(/\*+/g)?.length ?? 0;
      if (n > GLOB_LIMITS.starsPerSegment)
        throw refused(what, g, `one part of it has ${n} *; at most ${GLOB_LIMITS.starsPerSegment} between two / are accepted, since more can take minutes to match.`);
      stars += n;
    }
    if (stars > GLOB_LIMITS.stars) throw refused(what, g, `it has ${stars} *; at most ${GLOB_LIMITS.stars} are accepted.`);
  }
}

function compileGlobs(globs: readonly string[] | undefined, what: string): ((p: string) => boolean) | undefined {
  if (globs === undefined || globs.length === 0) return undefined;
  if (!Array.isArray(globs) || !globs.every((g) => typeof g === 'string' && g !== '')) throw invalid(`${what} must be a list of non-empty glob patterns.`);
  checkGlobs(globs, what);
  if (!picomatch) throw invalid(`${what} globs need the glob matcher: await loadGlobMatcher() before planning synchronously.`);
  const match = picomatch;
  // `**/x` also matches at the top, and patterns without a `/` match a file name anywhere (as .gitignore does).
  const matchers = globs.map((g) => match(g.includes('/') ? g : `**/${g}`, { dot: true, maxLength: GLOB_LIMITS.length + 3 }));
  return (p) => matchers.some((m) => m(p));
}

/** pyAFQ bug 1 fixed: a pipeline is included when any string is a substring of its name (not a shared character). */
export function pipelineIncluded(name: string, derivs: ResolvedOptions['derivs']): boolean {
  if (derivs === 'all') return true;
  if (derivs === 'none') return false;
  return derivs.exact ? derivs.includes(name) : derivs.some((s) => name.includes(s));
}

/** Whether a top-level file (its name) is taken: by exact name with `topLevelFiles`, else pyAFQ's modality-agnostic rule. */
export function topLevelTaken(name: string, opts: Pick<ResolvedOptions, 'modalityAgnostic' | 'topLevelFiles'>): boolean {
  return opts.topLevelFiles ? opts.topLevelFiles.has(name) : topLevelIncluded(name, opts.modalityAgnostic);
}

/** Whether a top-level file (its name) is among the modality-agnostic files asked for. */
export function topLevelIncluded(name: string, choice: ResolvedOptions['modalityAgnostic']): boolean {
  if (choice === 'all') return true;
  if (choice === 'none') return false;
  return choice.some((n) => name === n || name.startsWith(`${n}.`));
}
