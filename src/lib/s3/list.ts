import { ListObjectsV2Command, type S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { throwIfAborted } from '../errors/index.ts';
import { compareCodePoints } from '../select/compare.ts';
import { assertBucketName } from './bucket-name.ts';
import { toS3BIDSError } from './errors.ts';
import type { ObjectInfo } from './types.ts';

export interface ListOptions {
  suffix?: string;
  signal?: AbortSignal;
  /** List keys after this one (S3 `StartAfter`): lets callers split one prefix into ranges. */
  startAfter?: string;
  /** Stop at keys >= this one (S3's order); with `startAfter` it bounds a key-range partition. */
  endBefore?: string;
  /** Called with each page's object count (and its last key), for progress. */
  onPage?: (count: number, lastKey?: string) => void;
}

export function stripEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');
}

/**
 * Listings are asked with `encoding-type=url`: S3 otherwise puts keys into XML raw, and XML 1.0 cannot carry
 * control characters (and reads `\r` as `\n`), docs/real-s3.md, "Keys XML cannot carry". The SDK does not
 * decode them itself. A server that ignored the request sends keys plain, and those are kept as sent.
 */
export function decodeListed(value: string | undefined, encoded: boolean): string {
  if (!encoded || value === undefined) return value ?? '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function toInfo(o: { Key?: string; Size?: number; ETag?: string; LastModified?: Date }, encoded: boolean): ObjectInfo {
  const info: ObjectInfo = { key: decodeListed(o.Key, encoded), size: Number(o.Size ?? 0), etag: stripEtag(o.ETag) };
  if (o.LastModified) info.lastModified = o.LastModified.toISOString();
  return info;
}

async function page(
  client: S3Client,
  bucket: string,
  prefix: string,
  token: string | undefined,
  opts: { delimiter?: string; startAfter?: string; signal?: AbortSignal },
): Promise<ListObjectsV2CommandOutput> {
  throwIfAborted(opts.signal);
  try {
    return await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        EncodingType: 'url',
        ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
        ...(token ? { ContinuationToken: token } : opts.startAfter ? { StartAfter: opts.startAfter } : {}),
      }),
      // A signal of its own per request: the SDK listens on the signal it is given while the request is
      // open, and a study's listing shares one signal among more requests than Node's listener limit.
      opts.signal ? { abortSignal: AbortSignal.any([opts.signal]) } : {},
    );
  } catch (e) {
    throwIfAborted(opts.signal);
    throw toS3BIDSError(e, { bucket, prefix });
  }
}

/**
 * Every object under `prefix`, page by page (pyAFQ: `_get_matching_s3_keys`). Keys come back exactly as
 * stored, in S3's order (UTF-8 byte order).
 */
export async function* listKeys(
  client: S3Client,
  bucket: string,
  prefix: string,
  opts: ListOptions = {},
): AsyncGenerator<ObjectInfo> {
  assertBucketName(bucket);
  let token: string | undefined;
  do {
    const out = await page(client, bucket, prefix, token, opts);
    const contents = out.Contents ?? [];
    const encoded = out.EncodingType === 'url';
    opts.onPage?.(contents.length, contents.length ? decodeListed(contents[contents.length - 1]!.Key, encoded) : undefined);
    for (const o of contents) {
      const info = toInfo(o, encoded);
      if (opts.endBefore !== undefined && compareCodePoints(info.key, opts.endBefore) >= 0) return;
      if (opts.suffix && !info.key.endsWith(opts.suffix)) continue;
      yield info;
    }
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
}

/** Collects `listKeys` into an array. */
export async function listAll(client: S3Client, bucket: string, prefix: string, opts: ListOptions = {}): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of listKeys(client, bucket, prefix, opts)) out.push(o);
  return out;
}

export interface Level {
  /** Common prefixes ("folders"), each ending in `/`, as full keys. */
  folders: string[];
  /** Objects directly at this level. */
  objects: ObjectInfo[];
}

/** A one-level (`Delimiter='/'`) listing of `prefix`, all pages. */
export async function listLevel(
  client: S3Client,
  bucket: string,
  prefix: string,
  opts: { signal?: AbortSignal; onPage?: () => void } = {},
): Promise<Level> {
  assertBucketName(bucket);
  const level: Level = { folders: [], objects: [] };
  let token: string | undefined;
  do {
    const out = await page(client, bucket, prefix, token, { delimiter: '/', signal: opts.signal });
    opts.onPage?.();
    const encoded = out.EncodingType === 'url';
    for (const p of out.CommonPrefixes ?? []) if (p.Prefix) level.folders.push(decodeListed(p.Prefix, encoded));
    for (const o of out.Contents ?? []) level.objects.push(toInfo(o, encoded));
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return level;
}
