// Builds download plans (docs/contract.md, "Filters" and "Local layout"): pure, no request, no write.
import { compareCodePoints } from '../select/index.ts';
import type { ObjectInfo } from '../s3/types.ts';
import { entitiesKept, pipelineIncluded, topLevelTaken, type ResolvedOptions } from './filters.ts';
import { keyEntities, type KeyEntities } from './entities.ts';
import type { SubjectKeys } from './layout.ts';
import { relativeKey } from '../s3/keys.ts';
import { localPathFor, refuseDiskCollisionSteps, type DownloadPlan, type PlanEntry } from '../plan/index.ts';
import { PAUSE_EVERY, runNow, sortSliced, type Sliced } from '../slices/index.ts';

/** What the planner needs to know of a study. */
export interface PlanSource {
  bucket: string;
  prefix: string;
  /** Objects directly under the prefix. */
  topLevelFiles: readonly ObjectInfo[];
  /** Files directly inside each pipeline folder (BIDS only). */
  pipelineFiles: readonly ObjectInfo[];
  derivativeTypes: readonly string[];
  /** Files the app writes itself (HBN's dataset_description.json); they win over a copy on S3. */
  generated: readonly PlanEntry[];
  /** A key's entities (the study index keeps them); by default the key is read as a BIDS study's. */
  entitiesOf?: (key: string, rel: string) => KeyEntities | undefined;
}

/** Zero-byte keys ending in `/` are the "folders" S3 consoles create, not files. */
const isFolderMarker = (o: ObjectInfo) => o.key.endsWith('/') && o.size === 0;

function entryFor(o: ObjectInfo, prefix: string): PlanEntry {
  const { localPath, refused } = localPathFor(o.key, prefix);
  const e: PlanEntry = { key: o.key, size: o.size, etag: o.etag, localPath, action: 'download' };
  if (o.lastModified) e.lastModified = o.lastModified;
  if (refused) e.refused = refused;
  return e;
}

/**
 * The files a download would write, and where. Pure: no request, no write.
 * `scope: 'subject'` is pyAFQ's `S3BIDSSubject.download`: the subjects' files only.
 */
export function buildPlan(
  src: PlanSource,
  subjects: readonly SubjectKeys[],
  opts: ResolvedOptions,
  scope: 'study' | 'subject' = 'study',
): DownloadPlan {
  return runNow(planSteps(src, subjects, opts, scope));
}

/** `buildPlan`, pausing now and then (src/lib/slices). */
export function* planSteps(
  src: PlanSource,
  subjects: readonly SubjectKeys[],
  opts: ResolvedOptions,
  scope: 'study' | 'subject' = 'study',
): Sliced<DownloadPlan> {
  const byPath = new Map<string, PlanEntry>();
  const add = (e: PlanEntry) => {
    if (!byPath.has(e.localPath)) byPath.set(e.localPath, e);
  };
  for (const g of src.generated) byPath.set(g.localPath, g);

  const pipelines = src.derivativeTypes.filter((p) => pipelineIncluded(p, opts.derivs));
  // Entity filters apply to raw and derivative keys alike; without one no key is read for its entities.
  const entitiesOf = src.entitiesOf ?? ((_key: string, rel: string) => keyEntities(rel, 'bids'));
  const keep = (o: ObjectInfo, rel: string | undefined): rel is string => {
    if (rel === undefined || isFolderMarker(o) || !opts.keepSubjectPath(rel, o.key)) return false;
    if (opts.entityFilters.size === 0) return true;
    const e = entitiesOf(o.key, rel);
    return e !== undefined && entitiesKept(e, opts.entityFilters);
  };
  let seen = 0;
  for (const s of subjects) {
    for (const o of s.raw) if (keep(o, relativeKey(o.key, src.prefix))) add(entryFor(o, src.prefix));
    for (const p of pipelines) {
      for (const o of s.derivatives[p] ?? []) if (keep(o, relativeKey(o.key, src.prefix))) add(entryFor(o, src.prefix));
    }
    seen += s.raw.length + pipelines.reduce((n, p) => n + (s.derivatives[p]?.length ?? 0), 0);
    if (seen >= PAUSE_EVERY) (seen = 0), yield;
  }
  if (scope === 'study') {
    for (const o of src.topLevelFiles) {
      const rel = relativeKey(o.key, src.prefix);
      if (rel !== undefined && topLevelTaken(rel, opts)) add(entryFor(o, src.prefix));
    }
    if (opts.derivsDatasetDescription) {
      for (const o of src.pipelineFiles) {
        const rel = relativeKey(o.key, src.prefix);
        const [, pipeline, name] = rel?.split('/') ?? [];
        if (name === 'dataset_description.json' && pipeline !== undefined && pipelines.includes(pipeline)) add(entryFor(o, src.prefix));
      }
    }
  }
  // Keys that would share one file on a case-insensitive or normalising disk are refused with their reason.
  const sorted = yield* sortSliced([...byPath.values()], (a, b) => compareCodePoints(a.localPath, b.localPath));
  const entries = yield* refuseDiskCollisionSteps(sorted);
  return { entries, bucket: src.bucket, prefix: src.prefix };
}

/**
 * JSON text as Python's `json.dump` writes it (`", "` and `": "` separators), so the generated file is
 * byte-identical to pyAFQ's.
 */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The `dataset_description.json` pyAFQ writes after an HBN download (docs/contract.md, "Local layout");
 * it wins over any copy on S3. `subjects` are the chosen ids, sorted.
 */
export function hbnDatasetDescription(site: string, subjects: readonly string[]): PlanEntry {
  const content = pythonJson({
    Name: `HBN Study, ${site}`,
    DatasetType: 'raw',
    Subjects: subjects,
    BIDSVersion: '1.0.0',
  });
  return { localPath: 'dataset_description.json', size: new TextEncoder().encode(content).length, etag: '', action: 'generate', content };
}
