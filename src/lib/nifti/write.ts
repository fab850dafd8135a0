import type { S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError } from '../errors/index.ts';
import { putObjectBytes, requireCredentials } from '../s3/put.ts';
import { encodeNifti, gunzipBytes, gzipBytes, type NiftiImage } from './encode.ts';
import { isGzip, parseNiftiHeader } from './parse.ts';

/**
 * Saves a NIfTI image to S3 (pyAFQ's `s3fs_nifti_write`): needs credentials; gzipped for a `.gz` key,
 * plain for `.nii`, whatever form the bytes arrived in. Bytes that are not NIfTI are refused before upload.
 */
export async function s3NiftiWrite(
  client: S3Client,
  bucket: string,
  key: string,
  image: Uint8Array | NiftiImage,
  opts: { signal?: AbortSignal } = {},
): Promise<{ etag: string; size: number }> {
  const where = `s3://${bucket}/${key}`;
  requireCredentials(client, where);
  const given = image instanceof Uint8Array ? image : encodeNifti(image);
  let plain: Uint8Array;
  try {
    plain = isGzip(given) ? await gunzipBytes(given) : given;
  } catch (e) {
    throw new S3BIDSError('InvalidNifti', `Not saving ${where}: the gzip data given is corrupt.`, { cause: e });
  }
  const info = parseNiftiHeader(plain, { where: `The image for ${where}`, gzip: false, bytesTransferred: 0, objectSize: plain.length });
  if (plain.length < info.voxOffset + info.imageBytes)
    throw new S3BIDSError('InvalidNifti', `Not saving ${where}: the image holds ${plain.length} bytes but its header describes ${info.voxOffset + info.imageBytes}.`);
  const gz = /\.gz$/i.test(key);
  const body = gz ? (isGzip(given) ? given : await gzipBytes(plain)) : plain;
  return putObjectBytes(client, bucket, key, body, {
    contentType: gz ? 'application/gzip' : 'application/octet-stream',
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
