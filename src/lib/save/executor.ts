// Runs a DownloadPlan into a SaveTarget: a bounded pool of streamed transfers, a manifest, a report.
import type { S3Client } from '@aws-sdk/client-s3';
import type { DownloadPlan, PlanEntry } from '../plan/index.ts';
import { HostPool, clientInfo, hostPool } from '../s3/index.ts';
import { acquireFolderLock, type FolderLock, type LockOptions } from './lock.ts';
import { FolderManifest, type ManifestMeta } from './manifest.ts';
import { MANIFEST_PATH } from './app-folder.ts';
import { diskCollisions, unsafePathReason } from '../plan/index.ts';
import { ProgressTracker } from './progress.ts';
import { FOLDER_FAILURE_HINT, type FolderFailure } from './storage-errors.ts';
import { transferFile, type TransferContext } from './transfer.ts';
import type { DownloadControl, DownloadReport, EntryStatus, SaveTarget } from './types.ts';

/** A browser opens at most six HTTP/1.1 connections per host; more queued requests only wait. */
export const DEFAULT_CONCURRENCY = 6;

export interface ExecuteOptions {
  client: S3Client;
  plan: DownloadPlan;
  target: SaveTarget;
  control?: DownloadControl;
  concurrency?: number;
  /**
   * Check each file's bytes: by a whole-object checksum S3 keeps (asked for with signed clients), else by
   * MD5 when the ETag is one, else by size only. Sizes are always checked.
   */
  verify?: boolean;
  /**
   * More clients for the same bucket under other hostnames: a browser opens six connections per host, so
   * each adds six; the default concurrency grows with them. Default: every hostname of the bucket
   * (docs/hosts.md: AWS's equivalent names, or a custom endpoint's mirrors); `[]` uses `client` alone.
   */
  mirrors?: S3Client[];
  /** The host pool to use (shared with the listing, say); overrides `mirrors`. */
  pool?: HostPool;
  /** Failed attempts per file before it is reported failed. Default 5. */
  retries?: number;
  /** Study description stored in the manifest (never credentials). */
  manifestMeta?: ManifestMeta;
  /** A body silent this long is aborted and resumed. Default 30 s. */
  stallMs?: number;
  /** First backoff step; doubles per failure up to retryMaxMs. Defaults 250 ms and 15 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Progress callback interval. Default 200 ms. */
  progressIntervalMs?: number;
  /** The folder lock (`.s3bids/lock.json`); `false` only for targets nobody else can see. */
  lock?: LockOptions | false;
}

const STOPPED = FOLDER_FAILURE_HINT;

type Row = DownloadReport['entries'][number];

export async function executePlan(opts: ExecuteOptions): Promise<DownloadReport> {
  const { client, plan, target } = opts;
  const signal = opts.control?.signal;
  // A ZIP stream is ours alone; a folder may have another saver in another tab or process.
  const lock: FolderLock | undefined = opts.lock === false || target.kind === 'zip' ? undefined : await acquireFolderLock(target, opts.lock || {});
  try {
    return await run(opts, lock);
  } finally {
    await lock?.release();
  }
}

async function run(opts: ExecuteOptions, lock: FolderLock | undefined): Promise<DownloadReport> {
  const { client, plan, target } = opts;
  const signal = opts.control?.signal;
  const manifest = await FolderManifest.load(target);
  const info = clientInfo(client);
  manifest.recordStudy({
    ...opts.manifestMeta,
    ...(info.endpoint ? { endpoint: info.endpoint } : {}),
    bucket: plan.bucket,
    prefix: plan.prefix,
  });
  const progress = new ProgressTracker(opts.control?.onProgress, opts.progressIntervalMs ?? 200);
  const report: DownloadReport = {
    downloaded: 0,
    skipped: 0,
    failed: [],
    bytes: 0,
    aborted: false,
    verify: opts.verify ?? false,
    verifiedBy: {},
    entries: [],
    saved: { files: 0, bytes: 0 },
    alreadyThere: { files: 0, bytes: 0 },
  };
  const rows: Row[] = plan.entries.map((e) => ({ localPath: e.localPath, action: e.action, status: 'aborted' as EntryStatus }));

  const fail = (i: number, e: PlanEntry, reason: string, status: EntryStatus = 'failed') => {
    rows[i]!.status = status;
    report.failed.push({ key: e.key ?? '', localPath: e.localPath, reason });
  };

  const there = (size: number) => {
    report.alreadyThere.files++;
    report.alreadyThere.bytes += size;
  };
  const saved = (size: number) => {
    report.saved.files++;
    report.saved.bytes += size;
  };

  progress.filesTotal = plan.entries.length;
  const work: number[] = [];
  // Two entries writing one file (also on a case-insensitive or normalising disk) would mix their bytes.
  const clashes = diskCollisions(plan.entries);
  plan.entries.forEach((e, i) => {
    const unsafe = e.refused ?? unsafePathReason(e.localPath) ?? clashes.get(i);
    if (unsafe) {
      fail(i, e, `Not saved: ${unsafe}.`, 'refused');
      progress.filesFailed++;
    } else if (e.action === 'skip') {
      rows[i]!.status = 'skipped';
      report.skipped++;
      there(e.size);
      progress.skipped(e.size, false);
    } else {
      // Generated files count too: the bar's total is the plan's "to fetch" (README.md, "Using the app").
      progress.bytesTotal += e.size;
      work.push(i);
    }
  });

  // A browser opens six connections per hostname: the bucket's names are pools of six each (docs/hosts.md).
  const pool =
    opts.pool ??
    (opts.mirrors
      ? new HostPool([client, ...opts.mirrors].map((c) => ({ client: c, host: clientInfo(c).endpoint ?? 'aws' })))
      : hostPool(client, plan.bucket));
  const ctx: TransferContext = {
    client,
    pool,
    bucket: plan.bucket,
    target,
    manifest,
    progress,
    signal,
    verify: opts.verify ?? false,
    retries: opts.retries ?? 5,
    stallMs: opts.stallMs ?? 30_000,
    retryBaseMs: opts.retryBaseMs ?? 250,
    retryMaxMs: opts.retryMaxMs ?? 15_000,
  };

  const runOne = async (i: number, ctx: TransferContext) => {
    const e = plan.entries[i]!;
    if (e.action === 'generate') {
      try {
        await target.writeText(e.localPath, e.content ?? '');
        rows[i]!.status = 'generated';
        saved(e.size);
        progress.end(e.localPath, 'done', e.size);
      } catch (err) {
        fail(i, e, (err as Error).message);
        progress.end(e.localPath, 'failed', 0);
      }
      return;
    }
    if (e.key === undefined) {
      fail(i, e, 'Not saved: the entry has neither an S3 key nor generated content.');
      progress.filesFailed++;
      return;
    }
    progress.begin(e.localPath, e.size, 0);
    // The plan may predate this folder's contents: a file already complete is skipped, unless forced.
    const out = await transferFile(ctx, { ...e, key: e.key }, e.action === 'download');
    if (out.status === 'skipped') {
      rows[i]!.status = 'skipped';
      report.skipped++;
      there(e.size);
      progress.skippedActive(e.localPath, e.size);
    } else if (out.status === 'downloaded') {
      rows[i]!.status = 'downloaded';
      rows[i]!.verifiedBy = out.verifiedBy;
      report.downloaded++;
      saved(e.size);
      report.verifiedBy[out.verifiedBy] = (report.verifiedBy[out.verifiedBy] ?? 0) + 1;
      progress.end(e.localPath, 'done', e.size);
    } else if (out.status === 'failed') {
      fail(i, e, out.reason);
      progress.end(e.localPath, 'failed', e.size);
      if (out.folder) await folderFailed(out.folder);
    } else progress.end(e.localPath, 'aborted', e.size);
  };

  const width = target.sequential ? 1 : Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY * pool.slots.length));
  let next = 0;
  // Set when the folder itself fails (full, no longer writable, gone): every later file would fail too.
  let stopped: string | undefined;
  const folderFailed = async (kind: FolderFailure) => {
    if (stopped) return;
    if (kind === 'missing') {
      // One file's lookup can race; the folder is gone only if the lock can no longer be written either.
      const gone = lock ? await lock.beat().then(() => false, () => true) : false;
      if (!gone) return;
    }
    stopped = STOPPED[kind];
  };
  const worker = async () => {
    // No new file starts once the user cancels or the folder fails.
    while (!signal?.aborted && !stopped && next < work.length) await runOne(work[next++]!, ctx);
  };
  progress.start();
  try {
    await Promise.all(Array.from({ length: Math.min(width, work.length) }, () => worker()));
  } finally {
    if (stopped) {
      for (const i of work.slice(next)) {
        fail(i, plan.entries[i]!, `Not started: ${stopped}.`);
        progress.filesFailed++;
      }
      next = work.length;
    }
    progress.stop();
    const errors = await manifest.close();
    await target.finish?.().catch((e: unknown) => errors.push(e));
    if (errors.length > 0)
      report.failed.push({ key: '', localPath: MANIFEST_PATH, reason: `The manifest could not be saved: ${String((errors[0] as Error)?.message ?? errors[0])}` });
  }
  report.bytes = progress.netBytes;
  report.aborted = signal?.aborted ?? false;
  report.entries = rows;
  if (stopped) report.stopped = `The save stopped early: ${stopped}.`;
  return report;
}
