import type { S3Client } from '@aws-sdk/client-s3';
import { below, normalisePrefix } from './keys.ts';
import { S3BIDSError, isS3BIDSError, throwIfAborted } from '../errors/index.ts';
import { clientInfo } from './client.ts';
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
  /** Partitions listed at once. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  /** The one-level view, as soon as it is known (its `keys` is still empty). */
  onTopLevel?: (partial: StudyListing) => void;
  onProgress?: (p: ListStudyProgress) => void;
  /** The bucket's hostnames (docs/hosts.md): each listing request goes to the least busy. Default: `client` alone. */
  pool?: HostPool;
}

export { normalisePrefix };

const utf8 = new TextEncoder();

/** S3's key order: UTF-8 bytes, which differs from JS's UTF-16 order for characters above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Longest common prefix, never ending inside a surrogate pair (a half character is not valid UTF-8). */
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const c = a.charCodeAt(i - 1);
  return a.slice(0, c >= 0xd800 && c <= 0xdbff ? i - 1 : i);
}

/**
 * Splits the sorted top-level folder names into groups that share a prefix no folder outside the group
 * has (`sub-00`, `sub-01`, … for `sub-0001`…`sub-1000`), splitting at the first differing character
 * until a group holds at most `target` folders. Listing each group's prefix needs no StartAfter, reads
 * nothing twice, and costs S3 (and moto) a narrower scan than ranges of the whole prefix would.
 */
export function prefixGroups(folders: readonly string[], target: number): string[] {
  if (folders.length === 0) return [];
  const common = commonPrefix(folders[0]!, folders[folders.length - 1]!);
  if (folders.length <= Math.max(1, target)) return [common];
  const out: string[] = [];
  let run: string[] = [];
  let runChar = '';
  const flush = () => {
    if (run.length) out.push(...prefixGroups(run, target));
  };
  for (const f of folders) {
    const ch = String.fromCodePoint(f.codePointAt(common.length)!);
    if (ch !== runChar) {
      flush();
      run = [];
      runChar = ch;
    }
    run.push(f);
  }
  flush();
  return out;
}

/**
 * Every key under a study prefix, fast: the one-level delimiter listing first (subjects are known at
 * once), then the folders' keys as disjoint prefix groups listed in parallel (each paginated), joined
 * with the top-level objects in S3's order.
 * The result equals one sequential ListObjectsV2 pass, key for key.
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

  const via = <T,>(fn: (c: S3Client) => Promise<T>): Promise<T> => (opts.pool ? opts.pool.run(fn) : fn(client));
  const level = await via((c) => listLevel(c, bucket, base, outer ? { signal: outer } : {}));
  requests += Math.max(1, Math.ceil((level.folders.length + level.objects.length) / 1000));
  const topFolders = level.folders.map((f) => f.slice(base.length));
  const partial: StudyListing = { endpoint, bucket, prefix: norm, topFolders, topObjects: level.objects, keys: [], listedAt: '' };
  opts.onTopLevel?.({ ...partial, listedAt: new Date().toISOString() });
  listed += level.objects.length;
  progress();

  // Folders that are not subjects (derivatives/, sourcedata/) may hold most of a study: they are opened
  // two levels deep (derivatives/<pipeline>/<subject>/), so their parts are listed in parallel too.
  const seen = new Set<string>(level.objects.map((o) => o.key));
  const loose: ObjectInfo[] = [];
  const leaves: string[] = [];
  const open = async (folders: string[], depth: number): Promise<void> => {
    const deeper: string[] = [];
    for (const f of folders) (depth > 0 && !/^sub-/.test(f.slice(f.lastIndexOf('/', f.length - 2) + 1)) ? deeper : leaves).push(f);
    await Promise.all(
      deeper.map(async (f) => {
        const l = await via((c) => listLevel(c, bucket, base + f, outer ? { signal: outer } : {}));
        requests++;
        for (const o of l.objects) if (!seen.has(o.key)) (seen.add(o.key), loose.push(o));
        listed += l.objects.length;
        await open(l.folders.map((g) => g.slice(base.length)), depth - 1);
      }),
    );
  };
  await open(topFolders, 2);
  leaves.sort(compareKeys);

  // Natural groups are uneven (sub-00…sub-09 then sub-1000 alone); a worker that finishes early takes the next.
  const groups = prefixGroups(leaves, Math.ceil(leaves.length / concurrency));
  const results: ObjectInfo[][] = groups.map(() => []);

  // One failure stops the others; the caller's cancel does too.
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < groups.length && failure === undefined) {
      const i = next++;
      const out = results[i]!;
      try {
        const onPage = () => void requests++;
        await via(async (c) => {
          for await (const o of listKeys(c, bucket, base + groups[i]!, { signal: inner.signal, onPage })) {
            // Objects next to the folders (`sub-01.html`, derivatives/<pipeline>/dataset_description.json)
            // came with the delimiter listings.
            if (seen.has(o.key)) continue;
            out.push(o);
            listed++;
          }
        });
        progress();
      } catch (e) {
        if (failure === undefined) failure = e;
        inner.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  throwIfAborted(outer);
  if (failure !== undefined) {
    if (isS3BIDSError(failure)) throw failure;
    throw new S3BIDSError('Network', `Listing s3://${bucket}/${base} failed.`, { cause: failure });
  }
  const sorted = results.flat().concat(level.objects, loose).sort((a, b) => compareKeys(a.key, b.key));
  // A key listed twice (overlapping ranges, a server repeating a page) would give two rows one identity
  // in every keyed list of the page: each key is kept once.
  const keys = sorted.filter((o, i) => i === 0 || o.key !== sorted[i - 1]!.key);
  return { ...partial, keys, listedAt: new Date().toISOString() };
}
