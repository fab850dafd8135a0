// One file, from S3 into `.s3bids/partial/` and then into place: streamed, resumed, retried, verified.
import type { S3Client } from '@aws-sdk/client-s3';
import type { IHasher } from 'hash-wasm';
import type { PlanEntry } from '../plan/index.ts';
import { S3BIDSError, isS3BIDSError } from '../errors/index.ts';
import { getObject, isNoAnswer as isNoAnswerLike, networkError, type HostPool, type Lease } from '../s3/index.ts';
import { decideAction } from './annotate.ts';
import type { FolderManifest } from './manifest.ts';
import { partialPath } from './app-folder.ts';
import type { ProgressTracker } from './progress.ts';
import { fileWriteError, folderFailure, isStorageError, streamError, type FolderFailure } from './storage-errors.ts';
import type { SaveTarget, VerifyMethod } from './types.ts';
import { METHOD_NAMES, chooseCheck, createHasher, digestOf, etagIsNotMd5, isSinglePartEtag, type Check } from './verify.ts';

export { isSinglePartEtag } from './verify.ts';

export interface TransferContext {
  client: S3Client;
  /** The bucket's hostnames (docs/hosts.md): each request goes to the least busy one. Default: `client` alone. */
  pool?: HostPool;
  bucket: string;
  target: SaveTarget;
  manifest: FolderManifest;
  progress: ProgressTracker;
  signal: AbortSignal | undefined;
  verify: boolean;
  retries: number;
  stallMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** `folder`: the failure was the folder's, not the file's (full, no longer writable, gone): later files would fail too. */
export type TransferOutcome =
  | { status: 'downloaded'; verifiedBy: VerifyMethod }
  | { status: 'skipped' }
  | { status: 'aborted' }
  | { status: 'failed'; reason: string; folder?: FolderFailure };

type S3Entry = PlanEntry & { key: string };

/** Interrupted-but-progressing attempts allowed per counted retry. */
export const MAX_ATTEMPTS_FACTOR = 8;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with equal jitter: never zero, never in lockstep with other files. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return cap / 2 + Math.random() * (cap / 2);
}

async function hashExisting(target: SaveTarget, path: string, hasher: IHasher): Promise<boolean> {
  const body = await target.openRead?.(path);
  if (!body) return false;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    hasher.update(value);
  }
}

const changed = (bucket: string, e: S3Entry) =>
  new S3BIDSError('Integrity', `s3://${bucket}/${e.key} changed on S3 since it was listed. Refresh the study and save again.`, { retryable: false });

/** A complete body that did not check out (hash or size): why, in words. */
interface Mismatch {
  mismatch: string;
}

type AttemptResult = { done: VerifyMethod } | Mismatch | 'skipped' | 'aborted' | 'again';

/**
 * Saves one entry, retrying what can be retried. Never throws. With `skipComplete`, a final file
 * already complete (size, and ETag when the manifest knows it) is left alone. A complete body that
 * does not check out is fetched afresh once; a second one fails the file (docs/contract.md,
 * "Overwrite, skip, resume, verify"): downloading it again would bring the same bytes.
 */
export async function transferFile(ctx: TransferContext, entry: S3Entry, skipComplete: boolean): Promise<TransferOutcome> {
  let failures = 0;
  let attempts = 0;
  let mismatches = 0;
  let checkFinal = skipComplete;
  for (;;) {
    if (ctx.signal?.aborted) return { status: 'aborted' };
    let progressed = false;
    try {
      const r = await attempt(ctx, entry, () => (progressed = true), checkFinal);
      checkFinal = false;
      if (r === 'skipped') return { status: 'skipped' };
      if (r === 'aborted') return { status: 'aborted' };
      if (typeof r === 'object' && 'done' in r) return { status: 'downloaded', verifiedBy: r.done };
      if (typeof r === 'object') {
        if (++mismatches > 1)
          return { status: 'failed', reason: `${r.mismatch}; a fresh download came out wrong too, so the copy on S3 or something on the way is damaged. Not saved.` };
        continue; // one fresh download (the partial file is gone)
      }
      continue; // 'again': start over at once (the partial file was dropped for a good reason)
    } catch (e) {
      if (ctx.signal?.aborted) return { status: 'aborted' };
      const err = isS3BIDSError(e) ? e : isStorageError(e) ? fileWriteError(entry.localPath, e) : networkError({ bucket: ctx.bucket, key: entry.key }, e);
      if (!err.retryable) {
        const folder = isS3BIDSError(err, 'Storage') ? folderFailure(err) : undefined;
        return folder ? { status: 'failed', reason: err.message, folder } : { status: 'failed', reason: err.message };
      }
      // An attempt that saved bytes is progress, not a failure: resuming from there is cheap.
      if (!progressed) failures++;
      attempts++;
      if (failures > ctx.retries) return { status: 'failed', reason: `${err.message} (gave up after ${failures} attempts)` };
      // Resumed attempts are cheap, but a fault that always strikes after some bytes must still end.
      if (attempts > MAX_ATTEMPTS_FACTOR * (ctx.retries + 1))
        return { status: 'failed', reason: `${err.message} (gave up after ${attempts} interrupted attempts)` };
      const base = isS3BIDSError(e, 'Throttled') ? ctx.retryBaseMs * 4 : ctx.retryBaseMs;
      await sleep(backoffMs(Math.max(1, failures), base, ctx.retryMaxMs), ctx.signal);
    }
  }
}

async function dropPartial(ctx: TransferContext, entry: S3Entry, part: string) {
  await ctx.target.remove(part);
  ctx.manifest.forgetPartial(entry.localPath);
  ctx.progress.set(entry.localPath, 0);
}

/** The check of one attempt: chosen from the first GET's answer, or recorded with a resumed partial file. */
interface Verifier {
  check: Check | undefined;
  hasher: IHasher | undefined;
}

/** The check a partial file was started with; records from before checks were kept: MD5 when the ETag is one. */
function resumedCheck(entry: S3Entry, recorded: Check | undefined): Check {
  if (recorded) return recorded;
  return isSinglePartEtag(entry.etag) ? { method: 'md5', expected: entry.etag.toLowerCase() } : { method: 'size' };
}

async function attempt(ctx: TransferContext, entry: S3Entry, onBytes: () => void, checkFinal: boolean): Promise<AttemptResult> {
  const { target, manifest, progress } = ctx;
  const part = partialPath(entry.localPath);
  const rec = manifest.partial(entry.localPath);
  // On small files, file-system round trips are a large share of the time: both lookups at once, and
  // none for a partial file without a record (it could not be resumed; opening it truncates it).
  const [final, partial] = await Promise.all([
    checkFinal ? target.stat(entry.localPath).catch(() => undefined) : undefined,
    rec ? target.stat(part) : undefined,
  ]);
  if (checkFinal && decideAction(entry, final, manifest.saved(entry.localPath), false, ctx.bucket) === 'skip') return 'skipped';
  let have = partial?.size ?? 0;
  // Partial bytes are only reused when they provably came from the listed object version.
  if (have > 0 && (!rec || rec.etag !== entry.etag || rec.key !== entry.key || have > entry.size || !entry.etag)) {
    await dropPartial(ctx, entry, part);
    have = 0;
  }
  progress.set(entry.localPath, have);
  // A fresh download learns its check from S3's answer (fetchInto); a resumed one continues the recorded one.
  const v: Verifier = { check: undefined, hasher: undefined };
  if (ctx.verify && have > 0) {
    v.check = resumedCheck(entry, rec?.check);
    v.hasher = await createHasher(v.check.method);
    if (v.hasher && !(await hashExisting(target, part, v.hasher))) {
      await dropPartial(ctx, entry, part);
      have = 0;
      v.check = undefined;
      v.hasher = undefined;
    }
  }

  // Bytes in the partial file: what was there plus what the closed writer took (no second stat).
  let size = have;
  if (have < entry.size || entry.size === 0) {
    const r = await fetchInto(ctx, entry, part, have, v, onBytes);
    if (typeof r !== 'number') return r;
    size = r;
  }

  if (size < entry.size)
    throw new S3BIDSError('Network', `The download of "${entry.localPath}" ended early (${size} of ${entry.size} bytes).`, { retryable: true });
  if (size > entry.size) {
    await dropPartial(ctx, entry, part);
    return { mismatch: `"${entry.localPath}" came out larger than listed (${size} bytes, S3 lists ${entry.size})` };
  }
  const method = v.check?.method ?? 'size';
  if (v.hasher && v.check) {
    const got = digestOf(v.check.method, v.hasher);
    if (got !== v.check.expected) {
      await dropPartial(ctx, entry, part);
      return { mismatch: `"${entry.localPath}" failed its ${METHOD_NAMES[v.check.method]} check (got ${got}, S3 says ${v.check.expected})` };
    }
  }
  await target.move(part, entry.localPath);
  manifest.recordSaved({
    key: entry.key,
    bucket: ctx.bucket,
    size: entry.size,
    etag: entry.etag,
    ...(entry.lastModified ? { lastModified: entry.lastModified } : {}),
    localPath: entry.localPath,
    verifiedBy: method,
  });
  return { done: method };
}

/** One HTTP request: the body streams through a byte counter (and the check's hash) into the partial file; resolves with its size. */
async function fetchInto(
  ctx: TransferContext,
  entry: S3Entry,
  part: string,
  have: number,
  v: Verifier,
  onBytes: () => void,
): Promise<number | 'aborted' | 'again'> {
  const { target, progress } = ctx;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  let last = performance.now();
  let stalled = false;
  // A body that sends nothing for stallMs is as good as dead: abort it and resume.
  const watchdog = setInterval(() => {
    if (performance.now() - last > ctx.stallMs) {
      stalled = true;
      ctl.abort();
    }
  }, Math.min(1000, Math.max(50, ctx.stallMs / 4)));
  const stallError = () =>
    new S3BIDSError('Network', `No data arrived for "${entry.localPath}" for ${Math.round(ctx.stallMs / 1000)} s.`, { retryable: true });
  // The hostname is held until the body is read: its connection is busy until then.
  let lease: Lease | undefined;
  try {
    let res;
    for (;;) {
      lease = ctx.pool?.acquire();
      try {
        // S3 gives checksums only for whole objects; a resumed request continues the recorded check.
        res = await getObject(lease?.client ?? ctx.client, ctx.bucket, entry.key, { ...(have > 0 ? { start: have } : {}), checksums: ctx.verify && have === 0, signal: ctl.signal });
        lease?.answered();
        break;
      } catch (e) {
        if (ctx.signal?.aborted) return 'aborted';
        if (stalled) throw stallError();
        // A hostname that never answered and fails at the network level is dropped: the file goes elsewhere.
        if (lease?.drop(e)) {
          lease.release();
          continue;
        }
        if (lease && !isNoAnswerLike(e)) lease.answered();
        throw e;
      }
    }
    if (have > 0 && res.status !== 206) {
      // The server ignored the Range: start over rather than append a whole object to a part.
      await res.body.cancel().catch(() => undefined);
      await dropPartial(ctx, entry, part);
      return 'again';
    }
    // The ETag names the version; the size only when there is no ETag (a short Content-Length is a
    // transport fault, caught by the size check after the body).
    const total = res.totalSize;
    const differs = res.etag && entry.etag ? res.etag !== entry.etag : total !== undefined && total !== entry.size;
    if (differs) {
      await res.body.cancel().catch(() => undefined);
      await dropPartial(ctx, entry, part);
      throw changed(ctx.bucket, entry);
    }
    if (ctx.verify && have === 0) {
      v.check = chooseCheck(res, entry.etag);
      v.hasher = await createHasher(v.check.method);
    } else if (v.check?.method === 'md5' && etagIsNotMd5(res)) {
      // A partial file recorded before checks were kept, of an object whose ETag turns out not to be an MD5.
      v.check = { method: 'size' };
      v.hasher = undefined;
    }
    // Where the partial file's bytes come from (a big one is written down at once, for resuming after a crash).
    if (have === 0)
      ctx.manifest.recordPartial(entry.localPath, { key: entry.key, etag: entry.etag, size: entry.size, ...(v.check ? { check: v.check } : {}) });
    const writable = await target.openWrite(part, { append: have > 0 });
    let got = have;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        last = performance.now();
        got += chunk.byteLength;
        progress.received(chunk.byteLength);
        progress.set(entry.localPath, got);
        v.hasher?.update(chunk);
        onBytes();
        c.enqueue(chunk);
      },
    });
    let bodyError: unknown;
    try {
      // preventAbort/preventClose: on a failure the writer is closed, not aborted, so its bytes are kept.
      await res.body.pipeThrough(counter).pipeTo(writable, { preventAbort: true, preventClose: true });
    } catch (e) {
      bodyError = e;
    }
    let closeError: unknown;
    try {
      await writable.close();
    } catch (e) {
      closeError = e;
    }
    // A body that arrived whole is finished even if the user cancelled meanwhile: moving it costs no request.
    if (bodyError === undefined && closeError === undefined) return got;
    if (ctx.signal?.aborted) return 'aborted';
    if (stalled) throw stallError();
    // The whole body was read but the file would not close: the file system failed, not the network.
    // Retrying would fetch the body again and again (Chromium's OPFS over quota does exactly this).
    if (bodyError === undefined) throw fileWriteError(entry.localPath, await streamError(writable, closeError));
    if (isStorageError(bodyError)) throw fileWriteError(entry.localPath, bodyError);
    throw networkError({ bucket: ctx.bucket, key: entry.key }, bodyError);
  } finally {
    lease?.release();
    clearInterval(watchdog);
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}
