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
  /**
   * Checksums S3 keeps for the object (`x-amz-checksum-*`, base64), by algorithm, when asked with
   * `checksums` and S3 has them; a value ending in `-N` is a composite of N parts, not of the bytes.
   */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** `x-amz-server-side-encryption` (`AES256`, `aws:kms`, `aws:kms:dsse`), when the answer named it. */
  encryption: string | undefined;
  /** The object is encrypted with the caller's key (SSE-C): its ETag is not an MD5 of the bytes. */
  customerKey: boolean;
}

/** The checksums S3 may keep for an object (docs/real-s3.md, "Checksums"). */
export const CHECKSUM_ALGORITHMS = ['crc64nvme', 'crc32', 'crc32c', 'sha256', 'sha1'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface GetOptions {
  /** First byte to read (inclusive). */
  start?: number;
  /** Last byte to read (inclusive). */
  end?: number;
  signal?: AbortSignal;
  /**
   * Ask for the object's checksums (`x-amz-checksum-mode: ENABLED`). Signed clients only: the header
   * would make a browser send a CORS preflight, which a public bucket may refuse.
   */
  checksums?: boolean;
}

const SDK_CHECKSUM_FIELDS: Record<ChecksumAlgorithm, string> = {
  crc64nvme: 'ChecksumCRC64NVME',
  crc32: 'ChecksumCRC32',
  crc32c: 'ChecksumCRC32C',
  sha256: 'ChecksumSHA256',
  sha1: 'ChecksumSHA1',
};

function headerChecksums(get: (name: string) => string | null | undefined): ObjectBody['checksums'] {
  const out: ObjectBody['checksums'] = {};
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = get(`x-amz-checksum-${a}`);
    if (v) out[a] = v;
  }
  return out;
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
      checksums: headerChecksums((n) => res.headers.get(n)),
      encryption: res.headers.get('x-amz-server-side-encryption') ?? undefined,
      customerKey: res.headers.has('x-amz-server-side-encryption-customer-algorithm'),
    };
  }
  try {
    const command = new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) });
    if (opts.checksums) {
      // The header, not the SDK's `ChecksumMode: 'ENABLED'`: with that input the SDK checks the body itself
      // and fails the stream at its end, which the saver could not tell from a broken connection; the
      // saver checks the bytes itself, across resumed requests too (docs/contract.md, "Overwrite, skip, resume, verify").
      command.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { headers?: Record<string, string> };
          if (request.headers) request.headers['x-amz-checksum-mode'] = 'ENABLED';
          return next(args);
        },
        { step: 'build', name: 's3bidsChecksumMode' },
      );
    }
    const out = await client.send(command, opts.signal ? { abortSignal: opts.signal } : {});
    const body = out.Body as unknown as { transformToWebStream(): ReadableStream<Uint8Array> } | undefined;
    if (!body) throw errorFromStatus(500, { bucket, key });
    const status = out.$metadata.httpStatusCode ?? 200;
    return {
      status,
      body: body.transformToWebStream(),
      contentLength: out.ContentLength,
      totalSize: status === 206 ? totalFromContentRange(out.ContentRange) : out.ContentLength,
      etag: stripEtag(out.ETag),
      checksums: headerChecksums((n) => (out as unknown as Record<string, string | undefined>)[SDK_CHECKSUM_FIELDS[n.slice('x-amz-checksum-'.length) as ChecksumAlgorithm]]),
      encryption: out.ServerSideEncryption,
      customerKey: out.SSECustomerAlgorithm !== undefined,
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
