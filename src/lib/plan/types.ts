/** The BIDS entities a choice of files can name (README "Using the app", "What to save"). */
export type EntityFacet = 'datatype' | 'suffix' | 'session' | 'task' | 'run' | 'acq';

/**
 * Per entity, the values to keep; an absent or empty list keeps every value. `''` stands for files
 * without that entity (a `sessions.tsv` has no data type, a study without sessions has no `ses`).
 */
export type EntityFilters = { readonly [F in EntityFacet]?: readonly string[] };

/** What to save (pyAFQ's `download` keyword arguments; docs/contract.md, "Engine API" and "Filters"). */
export interface DownloadOptions {
  /** Top-level non-subject files: all (`true`/'all'), none, or a subset of `MODALITY_AGNOSTIC`. */
  includeModalityAgnostic?: boolean | 'all' | readonly string[];
  /** Derivative pipelines: all, none, or those whose name contains any of the strings. */
  includeDerivs?: boolean | string | readonly string[];
  /** Beyond pyAFQ: `includeDerivs` names whole pipelines (`afq` is not `afq-extra`). Default false (name parts, as pyAFQ). */
  includeDerivsExact?: boolean;
  /** With derivatives: each included pipeline's `dataset_description.json`. Default true. */
  includeDerivsDatasetDescription?: boolean;
  /**
   * Beyond pyAFQ: top-level files by exact name (any of them, `participants.tsv` too). When given it
   * replaces `includeModalityAgnostic`; an empty list takes none.
   */
  topLevelFiles?: readonly string[];
  /**
   * Beyond pyAFQ: keep subject raw and derivative keys whose BIDS entities (data type folder, suffix,
   * `ses`, `task`, `run`, `acq`) are among the values given. No filter keeps every key, as pyAFQ.
   */
  entities?: EntityFilters;
  /** Keep subject keys ending with this (pyAFQ's `suffix`). */
  suffix?: string;
  /** Beyond pyAFQ: globs on the path relative to the study (`*`, `**`, `?`, `{a,b}`). */
  include?: readonly string[];
  exclude?: readonly string[];
  /** Replace local files even when they look complete. Default false. */
  overwrite?: boolean;
  /** Parallel transfers. Default suits a browser's six connections per host. */
  concurrency?: number;
  /** Check single-part ETags (MD5) after writing. Default false. */
  verify?: boolean;
}

/** What saving does with an entry: planning says `download` or `generate`; a folder's contents turn `download` into `skip` or `overwrite`. */
export type PlanAction = 'download' | 'skip' | 'overwrite' | 'generate';

export interface PlanEntry {
  /** S3 key; absent for generated files. */
  key?: string;
  size: number;
  etag: string;
  lastModified?: string;
  /** Relative to the chosen directory, `/`-separated. */
  localPath: string;
  action: PlanAction;
  /** JSON text of a generated file. */
  content?: string;
  /** Why a key is not saved (unsafe path); such entries are reported, never written. */
  refused?: string;
  /**
   * Why the local file at `localPath` is kept although it differs from S3 (edited here or by hand, or
   * saved from another study); the action is then `skip`. Only `overwrite` replaces it.
   */
  conflict?: string;
}

export interface DownloadPlan {
  entries: PlanEntry[];
  /** Where the objects live; carried so the saver and exports need nothing else. */
  bucket: string;
  /** Study prefix, normalised (no leading/trailing `/`). */
  prefix: string;
  /** What the user must know before saving into the chosen folder (it holds another study…). */
  warnings?: string[];
}
