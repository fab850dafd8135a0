// A request that got no readable answer is either one S3 answered without CORS headers (a missing bucket,
// no browser access, access denied: a page cannot tell these apart) or one nothing answered (offline, DNS).
// An opaque `no-cors` request tells the two apart: it resolves whenever a server answered at all.
// docs/real-s3.md, "Answers without CORS" and "Nothing answers".
import type { S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError } from '../errors/index.ts';
import { clientInfo, objectUrl } from './client.ts';

const inBrowser = () => typeof document !== 'undefined';

/** Replaces a 'Network' error by 'NoBrowserAccess' or 'Unreachable', whichever is true. Other errors pass. */
export async function explainNoAnswer(client: S3Client, bucket: string, error: unknown): Promise<unknown> {
  if (!(error instanceof S3BIDSError) || error.code !== 'Network' || error.status !== undefined) return error;
  const url = objectUrl(client, bucket, '').replace(/\/$/, '') + '/?list-type=2&max-keys=0';
  const where = clientInfo(client).endpoint ?? 'Amazon S3';
  try {
    await fetch(url, { cache: 'no-store', ...(inBrowser() ? { mode: 'no-cors' as const } : {}) });
  } catch {
    return new S3BIDSError('Unreachable', `Cannot reach S3 (${where}): nothing answered. Check the connection, then try again.`, {
      cause: error,
      retryable: true,
    });
  }
  // Outside a browser there is no CORS: an answer means the first failure was passing.
  if (!inBrowser()) return error;
  return new S3BIDSError(
    'NoBrowserAccess',
    `S3 answered for the bucket "${bucket}", but without the headers (CORS) that let a page read the answer.`,
    { cause: error, retryable: false },
  );
}
