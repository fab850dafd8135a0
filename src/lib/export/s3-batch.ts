// A manifest for S3 Batch Operations (a copy job run in AWS itself).
import type { DownloadPlan } from '../plan/index.ts';
import { s3Entries } from './selection.ts';

/** Keys in an S3 Batch Operations manifest are URL-encoded; `/` is kept as the path separator. */
export function encodeBatchKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** An S3 Batch Operations manifest (format S3BatchOperations_CSV_20180820, fields Bucket, Key). */
export function s3BatchManifestCsv(plan: DownloadPlan): string {
  // URL-encoding leaves no comma, quote or line break in a field, so no CSV quoting is needed.
  return s3Entries(plan).map((e) => `${plan.bucket},${encodeBatchKey(e.key)}\n`).join('');
}
