import type { S3Client } from '@aws-sdk/client-s3';
import { getObjectText } from '../s3/index.ts';
import { parseJson, stringifyJson } from './parse.ts';
import { putObjectBytes } from '../s3/put.ts';

/** Reads and parses a JSON object from S3 (pyAFQ's `s3fs_json_read`; anonymous clients work for public buckets). */
export async function s3JsonRead(client: S3Client, bucket: string, key: string, opts: { signal?: AbortSignal } = {}): Promise<unknown> {
  return parseJson(await getObjectText(client, bucket, key, opts), `s3://${bucket}/${key}`);
}

/** Writes JSON to S3 (pyAFQ's `s3fs_json_write`); needs a client with credentials. */
export async function s3JsonWrite(
  client: S3Client,
  bucket: string,
  key: string,
  data: unknown,
  opts: { signal?: AbortSignal } = {},
): Promise<{ etag: string; size: number }> {
  const body = new TextEncoder().encode(stringifyJson(data));
  return putObjectBytes(client, bucket, key, body, { contentType: 'application/json', ...opts });
}
