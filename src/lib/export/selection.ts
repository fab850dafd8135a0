// What of a plan the bulk tools fetch: the objects and generated files the saver would write, and a
// comment for each entry it would refuse.
import type { DownloadPlan, PlanEntry } from '../plan/index.ts';
import { diskCollisions, unsafePathReason } from '../plan/index.ts';

/**
 * The whole selection, whatever this browser already saved: a bulk tool runs elsewhere, into another
 * folder, so files marked skip or overwrite here are all to be fetched there.
 */
export function wholeSelection(plan: DownloadPlan): DownloadPlan {
  return { ...plan, entries: plan.entries.map((e) => (e.action === 'skip' || e.action === 'overwrite' ? { ...e, action: 'download' as const } : e)) };
}

// Tools write where the saver would, and refuse what it refuses (`..`, absolute paths, names that
// collide on a case-insensitive or normalising disk: docs/folders.md).
const refusal = (plan: DownloadPlan) => {
  const clashes = diskCollisions(plan.entries);
  return (e: PlanEntry, i: number) => e.refused ?? unsafePathReason(e.localPath) ?? clashes.get(i);
};

/** The objects to fetch. */
export const s3Entries = (plan: DownloadPlan) => {
  const why = refusal(plan);
  return plan.entries.filter((e, i): e is PlanEntry & { key: string } => e.key !== undefined && e.action !== 'skip' && e.action !== 'generate' && !why(e, i));
};

/** Files the app makes itself (HBN's dataset_description.json). */
export const generatedEntries = (plan: DownloadPlan) => {
  const why = refusal(plan);
  return plan.entries.filter((e, i) => e.action === 'generate' && e.content !== undefined && !why(e, i));
};

/** One comment line per entry that is not saved, with the reason. */
export const refusedComments = (plan: DownloadPlan) => {
  const why = refusal(plan);
  return plan.entries.flatMap((e, i) => {
    const reason = why(e, i);
    return reason ? [`# not saved (${reason.replace(/[\r\n]/g, ' ')}): ${JSON.stringify(e.key ?? e.localPath)}`] : [];
  });
};

export const s3Uri = (bucket: string, key: string) => `s3://${bucket}/${key}`;

/** `p` under the output folder (default: where the script runs). */
export const joinDir = (dir: string | undefined, p: string) => {
  const path = `${(dir ?? '.').replace(/\/+$/, '') || '.'}/${p}`;
  // A path starting with `-` would be read as an option by every tool.
  return path.startsWith('-') ? `./${path}` : path;
};
