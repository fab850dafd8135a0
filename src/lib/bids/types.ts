import type { ObjectInfo } from '../s3/types.ts';

/** The four top-level files pyAFQ knows by name; others are chosen with `true`/'all'. */
export const MODALITY_AGNOSTIC = ['dataset_description.json', 'CHANGES', 'README', 'LICENSE'] as const;
export type ModalityAgnosticName = (typeof MODALITY_AGNOSTIC)[number];

/** What to save (pyAFQ's `download` keyword arguments, SPEC §3.3). */
export interface DownloadOptions {
  /** Top-level non-subject files: all (`true`/'all'), none, or a subset of the four names. */
  includeModalityAgnostic?: boolean | 'all' | readonly string[];
  /** Derivative pipelines: all, none, or those whose name contains any of the strings. */
  includeDerivs?: boolean | string | readonly string[];
  /** With derivatives: each included pipeline's `dataset_description.json`. Default true. */
  includeDerivsDatasetDescription?: boolean;
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
}

export interface DownloadPlan {
  entries: PlanEntry[];
  /** Where the objects live; carried so the saver and exports need nothing else. */
  bucket: string;
  /** Study prefix, normalised (no leading/trailing `/`). */
  prefix: string;
}

export type { ObjectInfo };
