// What a plan would do in a given folder: skip complete files, overwrite those that differ.
import pLimit from 'p-limit';
import type { DownloadPlan, PlanAction, PlanEntry } from '../plan/index.ts';
import { readManifest, type Manifest, type ManifestFile } from './manifest.ts';
import { unsafePathReason } from '../plan/index.ts';
import type { SaveTarget } from './types.ts';

/**
 * The action for one S3 entry given what is on disk. A file is complete when its size equals the
 * listed size and, when the app saved it (manifest record), its ETag and key are the listed ones.
 */
export function decideAction(
  entry: Pick<PlanEntry, 'key' | 'size' | 'etag'>,
  local: { size: number } | undefined,
  record: ManifestFile | undefined,
  overwrite: boolean,
): Exclude<PlanAction, 'generate'> {
  if (!local) return 'download';
  if (overwrite) return 'overwrite';
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
        return { ...e, action: decideAction(e, local, manifest.files[e.localPath], opts.overwrite ?? false) };
      }),
    ),
  );
  return { ...plan, entries };
}
