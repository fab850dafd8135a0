import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { throwIfAborted } from '../errors/index.ts';
import { clientInfo, objectUrl } from './client.ts';
import { errorFromStatus, networkError, toS3BIDSError } from './errors.ts';
import { stripEtag } from './list.ts';

export interface ObjectBody {
  /** 200 for a whole object, 206 for a range. */
  status: number;
  body: ReadableStream<Uint8Array>;
  /** Bytes in this response's body, when the server said (Content-Length). */
  contentLength: number | undefined;
  /** The whole object's size: from Content-Range on a 206, else Content-Length. */
  totalSize: number | undefined;
  etag: string;
}

export interface GetOptions {
  /** First byte to read (inclusive). */
  start?: number;
  /** Last byte to read (inclusive). */
  end?: number;
  signal?: AbortSignal;
}

function rangeHeader(o: GetOptions): string | undefined {
  if (o.start === undefined && o.end === undefined) return undefined;
  return `bytes=${o.start ?? 0}-${o.end ?? ''}`;
}

function totalFromContentRange(v: string | null | undefined): number | undefined {
  const m = v ? /\/(\d+)\s*$/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

const s3CodeFromXml = (text: string) => /<Code>([^<]+)<\/Code>/.exec(text)?.[1];

/**
 * Opens an object's body as a stream. Anonymous clients use a plain `fetch` with `cache: 'no-store'`
 * and no header but an optional `Range` (CORS-safelisted), so public buckets never see a preflight.
 * Signed clients go through the SDK.
 */
export async function getObject(client: S3Client, bucket: string, key: string, opts: GetOptions = {}): Promise<ObjectBody> {
  throwIfAborted(opts.signal);
  const range = rangeHeader(opts);
  if (clientInfo(client).anon) {
    let res: Response;
    try {
      res = await fetch(objectUrl(client, bucket, key), {
        cache: 'no-store',
        ...(range ? { headers: { Range: range } } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (e) {
      throwIfAborted(opts.signal);
      throw networkError({ bucket, key }, e);
    }
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      throw errorFromStatus(res.status, { bucket, key }, s3CodeFromXml(text));
    }
    const len = res.headers.get('content-length');
    const contentLength = len === null ? undefined : Number(len);
    return {
      status: res.status,
      body: res.body,
      contentLength,
      totalSize: res.status === 206 ? totalFromContentRange(res.headers.get('content-range')) : contentLength,
      etag: stripEtag(res.headers.get('etag') ?? ''),
    };
  }
  try {
    const out = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) }),
      opts.signal ? { abortSignal: opts.signal } : {},
    );
    const body = out.Body as unknown as { transformToWebStream(): ReadableStream<Uint8Array> } | undefined;
    if (!body) throw errorFromStatus(500, { bucket, key });
    const status = out.$metadata.httpStatusCode ?? 200;
    return {
      status,
      body: body.transformToWebStream(),
      contentLength: out.ContentLength,
      totalSize: status === 206 ? totalFromContentRange(out.ContentRange) : out.ContentLength,
      etag: stripEtag(out.ETag),
    };
  } catch (e) {
    throwIfAborted(opts.signal);
    throw toS3BIDSError(e, { bucket, key });
  }
}

/** Reads a whole (small) object as bytes. For sidecars and TSVs, not for bulk data. */
export async function getObjectBytes(client: S3Client, bucket: string, key: string, opts: GetOptions = {}): Promise<Uint8Array> {
  const { body } = await getObject(client, bucket, key, opts);
  try {
    return new Uint8Array(await new Response(body).arrayBuffer());
  } catch (e) {
    throwIfAborted(opts.signal);
    throw networkError({ bucket, key }, e);
  }
}

export async function getObjectText(client: S3Client, bucket: string, key: string, opts: GetOptions = {}): Promise<string> {
  return new TextDecoder().decode(await getObjectBytes(client, bucket, key, opts));
}

/** Size and ETag of one object, or undefined when it does not exist. */
export async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
  opts: { signal?: AbortSignal } = {},
): Promise<{ size: number; etag: string } | undefined> {
  if (clientInfo(client).anon) {
    let res: Response;
    try {
      res = await fetch(objectUrl(client, bucket, key), { method: 'HEAD', cache: 'no-store', ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (e) {
      throwIfAborted(opts.signal);
      throw networkError({ bucket, key }, e);
    }
    if (res.status === 404) return undefined;
    if (!res.ok) throw errorFromStatus(res.status, { bucket, key });
    return { size: Number(res.headers.get('content-length') ?? 0), etag: stripEtag(res.headers.get('etag') ?? '') };
  }
  try {
    const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), opts.signal ? { abortSignal: opts.signal } : {});
    return { size: Number(out.ContentLength ?? 0), etag: stripEtag(out.ETag) };
  } catch (e) {
    const err = toS3BIDSError(e, { bucket, key });
    if (err.code === 'NotFound') return undefined;
    throw err;
  }
}
