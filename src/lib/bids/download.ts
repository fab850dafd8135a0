// The bridge from a study's plan to the saver. The saver is imported on first use, so opening and
// browsing a study does not load it.
import type { DirectoryTarget, DownloadControl, DownloadReport } from '../save/types.ts';
import type { S3BIDSStudy } from './study.ts';
import type { DownloadOptions, DownloadPlan } from '../plan/index.ts';
import { clientInfo } from '../s3/client.ts';

/** The plan as it stands against what is already in `dir` (skip / overwrite / download). */
export async function planOnDisk(plan: DownloadPlan, dir: DirectoryTarget, overwrite: boolean): Promise<DownloadPlan> {
  const save = await import('../save/index.ts');
  return save.annotatePlan(plan, await save.toSaveTarget(dir), { overwrite });
}

export async function downloadPlan(
  study: S3BIDSStudy,
  plan: DownloadPlan,
  dir: DirectoryTarget,
  opts: DownloadOptions,
  ctl: DownloadControl,
): Promise<DownloadReport> {
  const save = await import('../save/index.ts');
  const target = await save.toSaveTarget(dir);
  let endpoint: string | undefined;
  try {
    endpoint = clientInfo(study.client).endpoint;
  } catch {
    endpoint = undefined;
  }
  return save.executePlan({
    client: study.client,
    plan,
    target,
    control: ctl,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    verify: opts.verify ?? false,
    manifestMeta: {
      ...(endpoint ? { endpoint } : {}),
      bucket: study.bucket,
      prefix: study.s3Prefix,
      studyId: study.studyId,
      ...('site' in study ? { site: String((study as { site: unknown }).site) } : {}),
      selection: study.subjects.map((s) => s.subjectId),
      seed: study.randomSeed,
      options: opts,
    },
  });
}
