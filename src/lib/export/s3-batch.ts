// A manifest for S3 Batch Operations (a copy job run in AWS itself).
import type { DownloadPlan } from '../plan/index.ts';


/** Keys in an S3 Batch Operations manifest are URL-encoded; `/` is kept as the path separator. */
export function encodeBatchKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/**
 * An S3 Batch Operations manifest (format S3BatchOperations_CSV_20180820, fields Bucket, Key): every
 * selected key, including those a local folder would refuse (`..`, names colliding on a disk): an
 * S3-to-S3 copy writes no local file, so local file-system rules do not apply.
 */
export function s3BatchManifestCsv(plan: DownloadPlan): string {
  const keys = plan.entries.filter((e) => e.key !== undefined && e.action !== 'skip' && e.action !== 'generate').map((e) => e.key!);
  // URL-encoding leaves no comma, quote or line break in a field, so no CSV quoting is needed.
  return keys.map((k) => `${plan.bucket},${encodeBatchKey(k)}\n`).join('');
}
