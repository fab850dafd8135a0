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

function compileGlobs(globs: readonly string[] | undefined, what: string): ((p: string) => boolean) | undefined {
  if (globs === undefined || globs.length === 0) return undefined;
  if (!globs.every((g) => typeof g === 'string' && g !== '')) throw invalid(`${what} must be a list of non-empty glob patterns.`);
  if (!picomatch) throw invalid(`${what} globs need the glob matcher: await loadGlobMatcher() before planning synchronously.`);
  const match = picomatch;
  // `**/x` also matches at the top, and patterns without a `/` match a file name anywhere (as .gitignore does).
  const matchers = globs.map((g) => match(g.includes('/') ? g : `**/${g}`, { dot: true }));
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
