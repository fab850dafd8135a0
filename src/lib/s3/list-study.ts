import type { S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError, isS3BIDSError, throwIfAborted } from '../errors/index.ts';
import { clientInfo } from './client.ts';
import { listKeys, listLevel } from './list.ts';
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
}

/** Prefix without leading/trailing `/` (SPEC §3.1); inner `//` are kept. */
export function normalisePrefix(prefix: string): string {
  return prefix.replace(/^\/+/, '').replace(/\/+$/, '');
}

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

/**
 * Boundaries that split the prefix into `parts` key ranges, picked evenly among the top-level folders.
 * Partition i holds the keys in (b[i-1], b[i]]: S3's StartAfter is exclusive, so an inclusive upper bound
 * on the same strings makes neighbouring ranges meet exactly, folder marker objects (`sub-01/`) included.
 */
function boundaries(folders: string[], parts: number): string[] {
  if (parts <= 1 || folders.length === 0) return [];
  const out: string[] = [];
  for (let i = 1; i < parts; i++) {
    const f = folders[Math.floor((i * folders.length) / parts)];
    if (f !== undefined && f !== out[out.length - 1]) out.push(f);
  }
  return out;
}

/**
 * Every key under a study prefix, fast: the one-level delimiter listing first (subjects are known at
 * once), then the whole prefix as key-range partitions listed in parallel and joined in S3's order.
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
  const base = norm ? `${norm}/` : '';
  const endpoint = clientInfo(client).endpoint ?? 'aws';
  let requests = 0;
  let listed = 0;
  const progress = () => opts.onProgress?.({ keys: listed, requests });

  const level = await listLevel(client, bucket, base, outer ? { signal: outer } : {});
  requests += Math.max(1, Math.ceil((level.folders.length + level.objects.length) / 1000));
  const topFolders = level.folders.map((f) => f.slice(base.length));
  const partial: StudyListing = { endpoint, bucket, prefix: norm, topFolders, topObjects: level.objects, keys: [], listedAt: '' };
  opts.onTopLevel?.({ ...partial, listedAt: new Date().toISOString() });
  progress();

  // Several partitions per worker: folders differ in size, and a worker that finishes early takes the next.
  const bounds = boundaries(level.folders, Math.min(level.folders.length + 1, concurrency * 4));
  const ranges = Array.from({ length: bounds.length + 1 }, (_, i) => ({ after: bounds[i - 1], upTo: bounds[i] }));
  const results: ObjectInfo[][] = ranges.map(() => []);

  // One failure stops the others; the caller's cancel does too.
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < ranges.length && failure === undefined) {
      const i = next++;
      const r = ranges[i]!;
      const out = results[i]!;
      try {
        for await (const o of listKeys(client, bucket, base, {
          signal: inner.signal,
          ...(r.after !== undefined ? { startAfter: r.after } : {}),
          onPage: () => {
            requests++;
          },
        })) {
          if (r.upTo !== undefined && compareKeys(o.key, r.upTo) > 0) break;
          out.push(o);
          listed++;
        }
        progress();
      } catch (e) {
        if (failure === undefined) failure = e;
        inner.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, ranges.length) }, worker));
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  throwIfAborted(outer);
  if (failure !== undefined) {
    if (isS3BIDSError(failure)) throw failure;
    throw new S3BIDSError('Network', `Listing s3://${bucket}/${base} failed.`, { cause: failure });
  }
  return { ...partial, keys: results.flat(), listedAt: new Date().toISOString() };
}
