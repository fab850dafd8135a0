import type { S3Client } from '@aws-sdk/client-s3';
import { listTopLevel } from './keys.ts';
import { normalisePrefix } from '../s3/keys.ts';

/**
 * pyAFQ `_ls_s3fs`: the entries directly under a study prefix, split into subject entries
 * (`sub-*` folders and files) and the rest. Full keys; folders without their trailing `/`.
 */
export async function lsStudy(client: S3Client, bucket: string, prefix: string): Promise<{ subjects: string[]; other: string[] }> {
  return (await listTopLevel(client, bucket, normalisePrefix(prefix))).entries;
}
