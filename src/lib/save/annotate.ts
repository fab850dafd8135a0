// What a plan would do in a given folder: skip complete files, overwrite those that differ.
import pLimit from 'p-limit';
import type { DownloadPlan, PlanAction, PlanEntry } from '../plan/index.ts';
import { readManifest, sameStudy, type Manifest, type ManifestFile } from './manifest.ts';
import { unsafePathReason } from '../plan/index.ts';
import type { SaveTarget } from './types.ts';

const EDITABLE = /\.(json|tsv|txt|md|bval|bvec|csv|cff)$|(^|\/)(README|CHANGES|LICENSE)[^/]*$/i;

/**
 * Why the local file is kept although it is not what S3 holds for `entry` (docs/folders.md, "Conflicts"),
 * or undefined. Only files the app saved are judged (the manifest says what they were): one edited
 * through the app, one whose size changed since it was saved (edited by hand), one saved from another
 * study (other key or bucket at this path).
 */
export function localConflict(
  entry: Pick<PlanEntry, 'key' | 'size' | 'etag'>,
  local: { size: number } | undefined,
  record: ManifestFile | undefined,
  bucket?: string,
): string | undefined {
  if (!local || !record) return undefined;
  if (record.key !== entry.key || (bucket !== undefined && record.bucket !== undefined && record.bucket !== bucket))
    return `the local file was saved from another study (s3://${record.bucket ?? '…'}/${record.key}): kept`;
  if (record.editedAt) return 'the local file was edited in this app: kept';
  // Text a person edits (sidecars, tables): a new size is an edit. Binary data of another size is a
  // broken copy and is fetched again (pyAFQ's rule; docs/folders.md, "Conflicts").
  if (local.size !== record.size && EDITABLE.test(record.localPath)) return 'the local file differs from what was saved from S3 (edited by hand?): kept';
  return undefined;
}

/**
 * The action for one S3 entry given what is on disk. A file is complete when its size equals the
 * listed size and, when the app saved it (manifest record), its ETag and key are the listed ones.
 */
export function decideAction(
  entry: Pick<PlanEntry, 'key' | 'size' | 'etag'>,
  local: { size: number } | undefined,
  record: ManifestFile | undefined,
  overwrite: boolean,
  bucket?: string,
): Exclude<PlanAction, 'generate'> {
  if (!local) return 'download';
  if (overwrite) return 'overwrite';
  // Nothing local is replaced without being asked.
  if (localConflict(entry, local, record, bucket)) return 'skip';
  if (local.size !== entry.size) return 'overwrite';
  if (record && (record.etag !== entry.etag || record.key !== entry.key)) return 'overwrite';
  return 'skip';
}

export interface AnnotateOptions {
  overwrite?: boolean;
  /** Already read; otherwise read from the target. */
  manifest?: Manifest;
  /** Parallel file lookups. */
  concurrency?: number;
}

/** A copy of `plan` whose entries say what saving into `target` would do. Writes nothing. */
export async function annotatePlan(plan: DownloadPlan, target: SaveTarget, opts: AnnotateOptions = {}): Promise<DownloadPlan> {
  const manifest = opts.manifest ?? (await readManifest(target));
  const limit = pLimit(opts.concurrency ?? 16);
  const entries = await Promise.all(
    plan.entries.map((e) =>
      limit(async (): Promise<PlanEntry> => {
        if (e.action === 'generate' || e.refused || e.key === undefined) return { ...e };
        const unsafe = unsafePathReason(e.localPath);
        if (unsafe) return { ...e, refused: unsafe };
        const local = await target.stat(e.localPath);
        const record = manifest.files[e.localPath];
        const overwrite = opts.overwrite ?? false;
        const action = decideAction(e, local, record, overwrite, plan.bucket);
        const conflict = overwrite ? undefined : localConflict(e, local, record, plan.bucket);
        return conflict ? { ...e, action, conflict } : { ...e, action };
      }),
    ),
  );
  // Said before the save: the folder holds another study, whose files are kept where paths meet.
  const here = { bucket: plan.bucket, prefix: plan.prefix };
  const others = manifest.studies.filter((s) => s.bucket !== undefined && !sameStudy({ ...s, endpoint: '' }, { ...here, endpoint: '' }));
  if (others.length === 0) return { ...plan, entries };
  const names = others.map((s) => `s3://${s.bucket}/${s.prefix ?? ''}`).join(', ');
  const warning = `This folder already holds another study (${names}). ${
    opts.overwrite ? 'With overwrite on, its files at the same paths are replaced.' : 'Its files are kept; files of this study at the same paths are not saved.'
  }`;
  return { ...plan, entries, warnings: [...(plan.warnings ?? []), warning] };
}
