import type { S3Client } from '@aws-sdk/client-s3';
import { clientInfo, createS3Client } from '../s3/index.ts';

/**
 * A client reaching the same AWS bucket under its other hostname (path-style `s3.<region>.amazonaws.com`
 * vs virtual-hosted `<bucket>.s3.<region>.amazonaws.com`), so a browser can open six more connections.
 * Undefined where there is no second name: custom endpoints, signed clients, dotted bucket names over TLS.
 */
export function secondHostClient(client: S3Client, bucket: string): S3Client | undefined {
  const info = clientInfo(client);
  if (!info.anon || info.endpoint !== undefined || bucket.includes('.')) return undefined;
  return createS3Client({ anon: true, region: info.region, forcePathStyle: !info.forcePathStyle });
}
