import { S3BIDSError } from '../errors/index.ts';

interface Where {
  bucket: string;
  key?: string;
  prefix?: string;
}

const where = (w: Where) =>
  w.key !== undefined ? `s3://${w.bucket}/${w.key}` : `s3://${w.bucket}/${w.prefix ?? ''}`;

/** Names an HTTP status from S3 for the user. */
export function errorFromStatus(status: number, w: Where, s3Code?: string, cause?: unknown): S3BIDSError {
  const at = where(w);
  if (s3Code === 'NoSuchBucket')
    return new S3BIDSError('NoSuchBucket', `The bucket "${w.bucket}" does not exist. Check its name and region.`, { status, cause });
  if (s3Code === 'InvalidBucketName')
    return new S3BIDSError('InvalidBucketName', `"${w.bucket}" is not a valid S3 bucket name.`, { status, cause });
  if (status === 403 || s3Code === 'AccessDenied' || s3Code === 'AllAccessDisabled')
    return new S3BIDSError(
      'AccessDenied',
      `Access to ${at} was denied. The bucket is private or does not allow this request: add credentials (kept in memory only) and try again.`,
      { status, cause },
    );
  if (status === 404 || s3Code === 'NoSuchKey')
    return new S3BIDSError('NotFound', `${at} was not found.`, { status, cause });
  if (status === 503 || status === 429 || s3Code === 'SlowDown' || s3Code === 'Throttling')
    return new S3BIDSError('Throttled', `S3 asked us to slow down while reading ${at}; retrying later will work.`, {
      status,
      cause,
      retryable: true,
    });
  if (status >= 500)
    return new S3BIDSError('Network', `S3 failed to answer for ${at} (HTTP ${status}); it is worth trying again.`, {
      status,
      cause,
      retryable: true,
    });
  return new S3BIDSError('Network', `S3 refused the request for ${at} (HTTP ${status}${s3Code ? `, ${s3Code}` : ''}).`, {
    status,
    cause,
    retryable: false,
  });
}

/** A request that never got an HTTP answer: offline, DNS, or a CORS refusal (a browser cannot tell them apart). */
export function networkError(w: Where, cause?: unknown): S3BIDSError {
  return new S3BIDSError(
    'Network',
    `Could not reach ${where(w)}. Either the network is down, or the bucket does not allow browser access (CORS). ` +
      `Check your connection; if it works, use "Export script" to download with the AWS CLI or s5cmd instead.`,
    { cause, retryable: true },
  );
}

/** Converts whatever the SDK or fetch threw into an S3BIDSError. */
export function toS3BIDSError(e: unknown, w: Where): S3BIDSError {
  if (e instanceof S3BIDSError) return e;
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; $response?: unknown };
  if (err?.name === 'AbortError')
    return new S3BIDSError('Aborted', 'Cancelled.', { cause: e });
  const status = err?.$metadata?.httpStatusCode;
  const code = err?.Code ?? err?.name;
  if (typeof status === 'number' && status > 0) return errorFromStatus(status, w, code, e);
  if (code === 'NoSuchBucket' || code === 'InvalidBucketName') return errorFromStatus(400, w, code, e);
  return networkError(w, e);
}
