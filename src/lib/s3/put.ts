import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError, throwIfAborted } from '../errors/index.ts';
import { clientInfo } from './client.ts';
import { stripEtag } from './list.ts';
import { toS3BIDSError } from './errors.ts';

/** Writing to S3 needs a signed client; an anonymous one can never be allowed to write. */
export function requireCredentials(client: S3Client, what: string): void {
  if (clientInfo(client).anon)
    throw new S3BIDSError(
      'CredentialsRequired',
      `Saving ${what} to S3 needs credentials: enter an access key and secret (kept in memory only), or save to a local folder instead.`,
    );
}

/** PutObject of a small in-memory body with a signed client (sidecars, edited images). */
export async function putObjectBytes(
  client: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array,
  opts: { contentType?: string; signal?: AbortSignal } = {},
): Promise<{ etag: string; size: number }> {
  requireCredentials(client, `s3://${bucket}/${key}`);
  throwIfAborted(opts.signal);
  try {
    const out = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ...(opts.contentType ? { ContentType: opts.contentType } : {}) }),
      opts.signal ? { abortSignal: opts.signal } : {},
    );
    return { etag: stripEtag(out.ETag), size: body.length };
  } catch (e) {
    throwIfAborted(opts.signal);
    throw toS3BIDSError(e, { bucket, key });
  }
}
