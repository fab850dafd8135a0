import { S3BIDSError } from '../errors/index.ts';

/**
 * Refuses names no S3 bucket can have, before any request. Lenient where AWS is: legacy us-east-1
 * buckets may hold capitals and underscores, so only what can never be a bucket is refused.
 */
export function assertBucketName(bucket: string): void {
  const ok =
    bucket.length >= 3 &&
    bucket.length <= 255 &&
    /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/.test(bucket) &&
    !bucket.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
  if (!ok) {
    throw new S3BIDSError(
      'InvalidBucketName',
      `"${bucket}" is not a valid S3 bucket name: use 3–63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit.`,
    );
  }
}
