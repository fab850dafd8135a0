import type { S3Client } from '@aws-sdk/client-s3';
import { below, normalisePrefix } from './keys.ts';
import { S3BIDSError, isS3BIDSError, throwIfAborted } from '../errors/index.ts';
import { clientInfo } from './client.ts';
import pLimit from 'p-limit';
import { compareCodePoints } from '../select/compare.ts';
import { listKeys, listLevel } from './list.ts';
import type { HostPool } from './host-pool.ts';
import type { ObjectInfo, StudyListing } from './types.ts';

export interface ListStudyProgress {
  /** Keys listed so far (all partitions). */
  keys: number;
  /** ListObjectsV2 requests answered so far, the delimiter listing included. */
  requests: number;
}

export interface ListStudyOptions {
  /** Requests in flight at once, for the whole listing. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  /** The one-level view, as soon as it is known (its `keys` is still empty). */
  onTopLevel?: (partial: StudyListing) => void;
  onProgress?: (p: ListStudyProgress) => void;
  /**
   * The bucket's hostnames (docs/hosts.md): each listing request goes to the least busy. Default: every
   * hostname of the bucket (`hostPool`), taken after the first answer, which tells the bucket's region.
   */
  pool?: HostPool;
}

export { normalisePrefix };

/** S3's key order: UTF-8 bytes, which is Unicode code point order (JS's UTF-16 order differs above U+FFFF). */
export const compareKeys = compareCodePoints;

/** Longest common prefix, never ending inside a surrogate pair (a half character is not valid UTF-8). */
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const c = a.charCodeAt(i - 1);
  return a.slice(0, c >= 0xd800 && c <= 0xdbff ? i - 1 : i);
}

/** Keys S3 returns per page (MaxKeys' default). */
const PAGE = 1000;

/** Every key under `folder` (which ends in `/`) sorts below this, and every later key not under it above. */
const pastFolder = (folder: string) => `${folder.slice(0, -1)}0`;

/** A run of consecutive leaf folders, listed as one key range by one ListObjectsV2 stream. */
interface Range {
  /** Leaves `from` (included) to `to` (excluded); a worker that steals half of the rest lowers `to`. */
  from: number;
  to: number;
  /** The leaf holding the last key read (`from - 1` before the first). */
  at: number;
  /** The last key of the pages fetched so far: leaves up to it need no new request. */
  fetched?: string;
  running: boolean;
  out: ObjectInfo[];
}

/**
 * Every key under a study prefix, in about the time of one sequential pass or less, with never more than
 * `concurrency` requests in flight (README, "Layout"):
 * 1. the one-level delimiter listing of the prefix (subjects are known at once);
 * 2. non-subject folders (derivatives/, sourcedata/) are opened one or two levels deep with delimiter
 *    listings, but only a bounded number of them (4 × concurrency): thousands of `sourcedata/x…/` folders
 *    are never listed one by one;
 * 3. the folders not opened (the leaves), sorted, are cut into `concurrency` runs of consecutive folders;
 *    each run is one key range read by one paginated ListObjectsV2 stream (StartAfter just before its
 *    first folder, stopped once keys pass its last), so a range of 2,000 small folders costs the pages
 *    its keys fill, not 2,000 requests;
 * 4. a worker whose range is done takes the upper half of the folders another range has not fetched yet
 *    (that range now stops earlier), while those folders hold more than a page of keys.
 * Objects between folders came with the delimiter listings. The result equals one sequential pass, key
 * for key.
 */
export async function listStudy(
  client: S3Client,
  bucket: string,
  prefix: string,
  opts: ListStudyOptions = {},
): Promise<StudyListing> {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 8));
  const outer = opts.signal;
  throwIfAborted(outer);
  const norm = normalisePrefix(prefix);
  const base = below(norm);
  const endpoint = clientInfo(client).endpoint ?? 'aws';
  let requests = 0;
  let listed = 0;
  const progress = () => opts.onProgress?.({ keys: listed, requests });

  // Each request goes to the least busy hostname of the bucket (docs/hosts.md) when there is a pool.
  const listTop = (c: S3Client) => listLevel(c, bucket, base, { ...(outer ? { signal: outer } : {}), onPage: () => void requests++ });
  const level = await (opts.pool ? opts.pool.run(listTop) : listTop(client));
  // Loaded here, not with the page: a browser lists only after it starts (docs/hosts.md).
  const pool = opts.pool ?? (await import('./host-pool.ts')).hostPool(client, bucket);
  const via = <T,>(fn: (c: S3Client) => Promise<T>): Promise<T> => pool.run(fn);
  const topFolders = level.folders.map((f) => f.slice(base.length));
  const partial: StudyListing = { endpoint, bucket, prefix: norm, topFolders, topObjects: level.objects, keys: [], listedAt: '' };
  opts.onTopLevel?.({ ...partial, listedAt: new Date().toISOString() });
  listed += level.objects.length;
  progress();

  // One failure stops the others; the caller's cancel does too.
  const inner = new AbortController();
  const signal = inner.signal;
  const onAbort = () => inner.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  const fail = (e: unknown) => {
    if (failure === undefined) failure = e;
    inner.abort();
  };
  const limit = pLimit(concurrency);

  // Step 2: folders not named sub-* are opened (derivatives/<pipeline>/<subject>/ is two levels deep), as
  // long as the budget lasts; a level with more such folders than the budget left is not opened at all.
  const seen = new Set<string>(level.objects.map((o) => o.key));
  const loose: ObjectInfo[] = [];
  const leaves: string[] = [];
  let budget = 4 * concurrency;
  const nameOf = (f: string) => f.slice(f.lastIndexOf('/', f.length - 2) + 1);
  const open = async (folders: string[], depth: number): Promise<void> => {
    const candidates = depth > 0 ? folders.filter((f) => !/^sub-/.test(nameOf(f))) : [];
    const opened = new Set(candidates.length <= budget ? candidates : []);
    budget -= opened.size;
    for (const f of folders) if (!opened.has(f)) leaves.push(f);
    await Promise.all(
      [...opened].map(async (f) => {
        const l = await limit(() => {
          throwIfAborted(signal);
          return via((c) => listLevel(c, bucket, f, { signal, onPage: () => void requests++ }));
        });
        for (const o of l.objects) if (!seen.has(o.key)) (seen.add(o.key), loose.push(o));
        listed += l.objects.length;
        await open(l.folders, depth - 1);
      }),
    );
  };

  const ranges: Range[] = [];
  try {
    await open(level.folders, 2);
    leaves.sort(compareKeys);
    // Step 3: even runs of leaves (their sizes are unknown; step 4 evens out the rest).
    const first = Math.min(concurrency, leaves.length);
    for (let i = 0; i < first; i++) {
      const from = Math.floor((i * leaves.length) / first);
      ranges.push({ from, to: Math.floor(((i + 1) * leaves.length) / first), at: from - 1, running: false, out: [] });
    }
    const queue = [...ranges];
    // Step 4: the range with the most leaves not yet fetched gives up the upper half of them, when they
    // hold more than a page (at the keys per leaf read so far): a smaller half would not save a round trip.
    const steal = (): Range | undefined => {
      let keysRead = 0;
      let leavesRead = 0;
      for (const r of ranges) (keysRead += r.out.length), (leavesRead += Math.max(0, r.at - r.from + 1));
      let best: Range | undefined;
      let bestFirst = 0;
      for (const r of ranges) {
        if (!r.running) continue;
        let first = Math.max(r.at + 1, r.from + 1);
        while (first < r.to && r.fetched !== undefined && compareKeys(leaves[first]!, r.fetched) <= 0) first++;
        const rest = r.to - first;
        const worth = leavesRead > 0 ? (keysRead / leavesRead) * rest > PAGE : rest >= 2;
        if (worth && rest > (best ? best.to - bestFirst : 0)) (best = r), (bestFirst = first);
      }
      if (!best) return undefined;
      const mid = best.to - Math.ceil((best.to - bestFirst) / 2);
      const taken: Range = { from: mid, to: best.to, at: mid - 1, running: false, out: [] };
      best.to = mid;
      ranges.push(taken);
      return taken;
    };
    const listRange = async (r: Range) => {
      r.running = true;
      const lo = leaves[r.from]!;
      // StartAfter just below the first leaf, and past the previous leaf's keys when that is higher.
      let startAfter = lo.slice(0, -1);
      if (r.from > 0 && compareKeys(pastFolder(leaves[r.from - 1]!), startAfter) > 0) startAfter = pastFolder(leaves[r.from - 1]!);
      let within = commonPrefix(lo, leaves[r.to - 1]!);
      if (within.length < base.length) within = base;
      const onPage = (_: number, last?: string) => {
        if (last !== undefined) r.fetched = last;
        requests++;
        progress();
      };
      try {
        // One range holds one hostname for its pages (a new name is only tried before its first answer).
        await via(async (c) => {
          for await (const o of listKeys(c, bucket, within, { startAfter, signal, onPage })) {
            // Past the range's last leaf, which a steal may have just lowered.
            if (compareKeys(o.key, pastFolder(leaves[r.to - 1]!)) >= 0) break;
            while (r.at + 1 < r.to && compareKeys(o.key, leaves[r.at + 1]!) >= 0) r.at++;
            // Below the first leaf (StartAfter's slack), or an object between folders listed in step 1 or 2.
            if (r.at < r.from || seen.has(o.key)) continue;
            r.out.push(o);
            listed++;
          }
        });
      } finally {
        r.running = false;
      }
    };
    const worker = async () => {
      for (;;) {
        if (failure !== undefined) return;
        const r = queue.shift() ?? steal();
        if (!r) return;
        // Each worker has one request in flight at a time, so `concurrency` workers keep the bound.
        await listRange(r).catch(fail);
      }
    };
    await Promise.all(Array.from({ length: first }, worker));
  } catch (e) {
    fail(e);
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  throwIfAborted(outer);
  if (failure !== undefined) {
    if (isS3BIDSError(failure)) throw failure;
    throw new S3BIDSError('Network', `Listing s3://${bucket}/${base} failed.`, { cause: failure });
  }
  progress();
  ranges.sort((a, b) => a.from - b.from);
  // Ranges come in key order already: the few objects between folders are merged in, one pass, no sort of
  // every key (tens of thousands of them would hold the page's main thread); keys out of order (a server
  // that does not sort) are sorted after all.
  const byKey = (a: ObjectInfo, b: ObjectInfo) => compareKeys(a.key, b.key);
  const inRanges = ranges.flatMap((r) => r.out);
  const between = [...level.objects, ...loose].sort(byKey);
  const ordered = inRanges.every((o, i) => i === 0 || byKey(inRanges[i - 1]!, o) <= 0);
  const sorted = ordered ? mergeSorted(inRanges, between, byKey) : inRanges.concat(between).sort(byKey);
  // A key listed twice (a server repeating a page, a key written between two listings) would give two
  // rows one identity in every keyed list of the page: each key is kept once.
  const keys = sorted.filter((o, i) => i === 0 || o.key !== sorted[i - 1]!.key);
  return { ...partial, keys, listedAt: new Date().toISOString() };
}

/** Two sorted lists as one sorted list. */
function mergeSorted<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compare(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
