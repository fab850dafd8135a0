// From a plan to the saver. The saver is imported on first use, so opening and browsing a study does
// not load it.
import type { S3Client } from '@aws-sdk/client-s3';
import type { DownloadOptions, DownloadPlan } from '../plan/index.ts';
import { clientInfo } from '../s3/client.ts';
import type { DirectoryTarget, DownloadControl, DownloadReport } from '../save/types.ts';

/** What the saver records about the study in the folder's manifest, besides the plan itself. */
export interface SaveSource {
  client: S3Client;
  studyId: string;
  /** The HBN site, for an HBN study. */
  site?: string;
  /** The chosen subject ids. */
  selection: readonly string[];
  /** The seed that chose them. */
  seed: number;
}

/** The plan as it stands against what is already in `dir` (skip / overwrite / download). */
export async function planOnDisk(plan: DownloadPlan, dir: DirectoryTarget, overwrite: boolean): Promise<DownloadPlan> {
  const save = await import('../save/index.ts');
  return save.annotatePlan(plan, await save.toSaveTarget(dir), { overwrite });
}

/** Saves a plan into `dir`, streamed and resumable; the manifest records where it came from. */
export async function downloadPlan(
  source: SaveSource,
  plan: DownloadPlan,
  dir: DirectoryTarget,
  opts: DownloadOptions,
  ctl: DownloadControl,
): Promise<DownloadReport> {
  const save = await import('../save/index.ts');
  const target = await save.toSaveTarget(dir);
  let endpoint: string | undefined;
  try {
    endpoint = clientInfo(source.client).endpoint;
  } catch {
    endpoint = undefined;
  }
  return save.executePlan({
    client: source.client,
    plan,
    target,
    control: ctl,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    verify: opts.verify ?? false,
    manifestMeta: {
      ...(endpoint ? { endpoint } : {}),
      bucket: plan.bucket,
      prefix: plan.prefix,
      studyId: source.studyId,
      ...(source.site !== undefined ? { site: source.site } : {}),
      selection: [...source.selection],
      seed: source.seed,
      options: opts,
    },
  });
}
