// Download options checked and turned into filters on keys (docs/contract.md, "Filters"): the place to add
// a filter, beside its option in plan/types.ts.
import type picomatchType from 'picomatch';
import { S3BIDSError } from '../errors/index.ts';
import type { DownloadOptions } from '../plan/index.ts';

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
  /** Subject raw and derivative keys, relative to the study. */
  keepSubjectPath: (rel: string, key: string) => boolean;
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

  const c = opts.concurrency;
  if (c !== undefined && (!Number.isInteger(c) || c < 1 || c > 64)) throw invalid('concurrency must be a whole number from 1 to 64.');

  return {
    modalityAgnostic,
    derivs,
    derivsDatasetDescription: opts.includeDerivsDatasetDescription ?? true,
    keepSubjectPath: (rel, key) =>
      key.endsWith(suffix) && (include === undefined || include(rel)) && (exclude === undefined || !exclude(rel)),
    overwrite: opts.overwrite ?? false,
    concurrency: c,
    verify: opts.verify ?? false,
  };
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

/** Whether a top-level file (its name) is among the modality-agnostic files asked for. */
export function topLevelIncluded(name: string, choice: ResolvedOptions['modalityAgnostic']): boolean {
  if (choice === 'all') return true;
  if (choice === 'none') return false;
  return choice.some((n) => name === n || name.startsWith(`${n}.`));
}
