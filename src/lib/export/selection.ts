// What of a plan the bulk tools fetch: the objects and generated files the saver would write, and a
// comment for each entry it would refuse.
import type { DownloadPlan, PlanEntry } from '../plan/index.ts';
import { unsafePathReason } from '../plan/index.ts';

/**
 * The whole selection, whatever this browser already saved: a bulk tool runs elsewhere, into another
 * folder, so files marked skip or overwrite here are all to be fetched there.
 */
export function wholeSelection(plan: DownloadPlan): DownloadPlan {
  return { ...plan, entries: plan.entries.map((e) => (e.action === 'skip' || e.action === 'overwrite' ? { ...e, action: 'download' as const } : e)) };
}

// Tools write where the saver would, and refuse what it refuses (`..`, absolute paths…).
const writable = (e: PlanEntry) => !e.refused && unsafePathReason(e.localPath) === undefined;

/** The objects to fetch. */
export const s3Entries = (plan: DownloadPlan) =>
  plan.entries.filter((e): e is PlanEntry & { key: string } => e.key !== undefined && e.action !== 'skip' && e.action !== 'generate' && writable(e));

/** Files the app makes itself (HBN's dataset_description.json). */
export const generatedEntries = (plan: DownloadPlan) => plan.entries.filter((e) => e.action === 'generate' && e.content !== undefined && writable(e));

/** One comment line per entry that is not saved, with the reason. */
export const refusedComments = (plan: DownloadPlan) =>
  plan.entries
    .filter((e) => !writable(e))
    .map((e) => `# not saved (${(e.refused ?? unsafePathReason(e.localPath) ?? '').replace(/[\r\n]/g, ' ')}): ${JSON.stringify(e.key ?? e.localPath)}`);

export const s3Uri = (bucket: string, key: string) => `s3://${bucket}/${key}`;

/** `p` under the output folder (default: where the script runs). */
export const joinDir = (dir: string | undefined, p: string) => `${(dir ?? '.').replace(/\/+$/, '') || '.'}/${p}`;
