// Figures for the study overview, computed from a listing with the engine's key rules. Pure, so tested in Node.
import { joinKey, placeOf, relativeKey, type S3BIDSStudy, type StudyListing, type StudyLocation } from '../lib/index.ts';

export interface PipelineInfo {
  name: string;
  /** From derivatives/<name>/dataset_description.json: GeneratedBy, or the older PipelineDescription. */
  generatedBy?: string;
  version?: string;
  description?: string;
  files: number;
  bytes: number;
}

export interface Overview {
  subjects: number;
  sessions: number;
  files: number;
  bytes: number;
}

const SESSION = /^(sub-[A-Za-z0-9]+)\/(ses-[A-Za-z0-9]+)\//;

/** Counts subjects (given), sessions (distinct sub/ses folder pairs in raw data), files and bytes of a listing. */
export function overviewOf(listing: StudyListing, subjects: readonly string[]): Overview {
  const sessions = new Set<string>();
  let bytes = 0;
  for (const o of listing.keys) {
    bytes += o.size;
    const m = SESSION.exec(relativeKey(o.key, listing.prefix) ?? '');
    if (m) sessions.add(`${m[1]}/${m[2]}`);
  }
  return { subjects: subjects.length, sessions: sessions.size, files: listing.keys.length, bytes };
}

/** Files and bytes under each pipeline, for BIDS (`derivatives/<P>/…`) or HBN (`derivatives/<sub>/<P>/…`). */
export function pipelineTotals(listing: StudyListing, pipelines: readonly string[], flavour: StudyLocation['flavour']): PipelineInfo[] {
  const totals = new Map(pipelines.map((p) => [p, { name: p, files: 0, bytes: 0 } as PipelineInfo]));
  for (const o of listing.keys) {
    const rel = relativeKey(o.key, listing.prefix);
    const place = rel === undefined ? undefined : placeOf(rel, flavour);
    const t = place?.kind === 'derivative' || place?.kind === 'pipeline-file' ? totals.get(place.pipeline) : undefined;
    if (t) {
      t.files++;
      t.bytes += o.size;
    }
  }
  return [...totals.values()];
}

/** The key of a top-level file of the study (`participants.tsv`), when the study has one. */
export function topLevelKey(study: Pick<S3BIDSStudy, 's3Prefix' | 'topLevelFiles'>, name: string): string | undefined {
  const key = joinKey(study.s3Prefix, name);
  return study.topLevelFiles.some((o) => o.key === key) ? key : undefined;
}

/** Each BIDS pipeline's own dataset_description.json, by pipeline name (HBN pipelines have none). */
export function pipelineDescriptionKeys(study: Pick<S3BIDSStudy, 's3Prefix' | 'flavour' | 'pipelineFiles'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of study.pipelineFiles) {
    const rel = relativeKey(o.key, study.s3Prefix);
    const place = rel === undefined ? undefined : placeOf(rel, study.flavour);
    if (place?.kind === 'pipeline-file' && o.key.endsWith('/dataset_description.json')) out.set(place.pipeline, o.key);
  }
  return out;
}

/** Reads who made a pipeline from its dataset_description.json (BIDS 1.4+ GeneratedBy, or PipelineDescription). */
export function describePipeline(json: unknown): Pick<PipelineInfo, 'generatedBy' | 'version' | 'description'> {
  if (!json || typeof json !== 'object') return {};
  const d = json as Record<string, unknown>;
  const first = Array.isArray(d.GeneratedBy) ? d.GeneratedBy[0] : undefined;
  const src = (first && typeof first === 'object' ? first : d.PipelineDescription) as Record<string, unknown> | undefined;
  const out: Pick<PipelineInfo, 'generatedBy' | 'version' | 'description'> = {};
  if (src && typeof src.Name === 'string') out.generatedBy = src.Name;
  if (src && typeof src.Version === 'string') out.version = src.Version;
  if (typeof d.Name === 'string') out.description = d.Name;
  return out;
}
