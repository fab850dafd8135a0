import type { S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError } from '../errors/index.ts';
import { getObjectBytes } from '../s3/index.ts';
import { headerSizeFromPrefix, isGzip, parseNiftiHeader } from './parse.ts';
import { openRanged, readPrefix } from './ranged.ts';
import type { NiftiHeaderInfo } from './types.ts';

export interface ReadHeaderOptions {
  signal?: AbortSignal;
  /** Also read header extensions (between the header and vox_offset). Default true. */
  extensions?: boolean;
  /** Extensions larger than this are skipped rather than fetched. Default 1 MiB. */
  maxExtensionBytes?: number;
  /** For .nii.gz, read the 4-byte gzip trailer to spot a truncated upload. Default true. */
  checkTrailer?: boolean;
}

function voxOffsetOf(b: Uint8Array, size: number): number | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = dv.getInt32(0, true) === size;
  if (size === 348 && b.length >= 112) return dv.getFloat32(108, le);
  if (size === 540 && b.length >= 176) return Number(dv.getBigInt64(168, le));
  return undefined;
}

/** How many leading (decompressed) bytes the header needs, given what has arrived so far. */
export function headerBytesNeeded(b: Uint8Array, extensions: boolean, maxExtensionBytes: number): number {
  if (b.length < 4) return 4;
  const size = headerSizeFromPrefix(b);
  if (size === undefined) return 0; // not NIfTI: stop reading, the parser says why
  if (!extensions || b.length < size) return size;
  const vox = voxOffsetOf(b, size);
  // The 4-byte extension flag only exists when there is room for it before the data.
  if (vox === undefined || !(vox >= size + 4) || vox - size > maxExtensionBytes) return size;
  if (b.length < size + 4) return size + 4;
  return b[size] !== 0 ? vox : size + 4;
}

/**
 * Reads a NIfTI header from S3 without downloading the image (pyAFQ's `s3fs_nifti_read`, done lazily):
 * a 4 KiB Range request, gunzipped with DecompressionStream when the bytes are gzip (by magic, not name),
 * further ranges only if an extension or the gzip stream needs them; the decoder is cancelled as soon
 * as the header is in. NIfTI-1 and NIfTI-2, `.nii` and `.nii.gz`.
 */
export async function readNiftiHeader(client: S3Client, bucket: string, key: string, opts: ReadHeaderOptions = {}): Promise<NiftiHeaderInfo> {
  const where = `s3://${bucket}/${key}`;
  const wantExt = opts.extensions ?? true;
  const maxExt = opts.maxExtensionBytes ?? 1024 * 1024;
  const src = await openRanged(client, bucket, key, { signal: opts.signal });
  const gzip = isGzip(src.first);
  const { bytes, error } = await readPrefix(src, gzip, (b) => headerBytesNeeded(b, wantExt, maxExt), opts.signal).finally(() => src.close());
  if (gzip && error !== undefined && bytes.length < 348) {
    throw new S3BIDSError(
      'InvalidNifti',
      `${where} is not a readable NIfTI image: its gzip data ${bytes.length ? `breaks off after ${bytes.length} bytes, inside the header` : 'is corrupt'} (truncated or damaged upload?).`,
      { cause: error },
    );
  }
  const info = parseNiftiHeader(bytes, { where, gzip, bytesTransferred: src.bytesTransferred, objectSize: src.objectSize });
  const expected = info.voxOffset + info.imageBytes;
  // A .hdr of a .hdr/.img pair ("ni1"/"ni2") holds no voxels.
  const pair = bytes[info.version === 1 ? 345 : 5] === 0x69;
  if (!gzip && !pair && src.objectSize !== undefined && src.objectSize < expected) {
    throw new S3BIDSError(
      'InvalidNifti',
      `${where} is truncated: its header describes ${expected} bytes but the object has ${src.objectSize}. Re-upload or re-download it.`,
    );
  }
  if (gzip && !pair && src.rangeSupported && (opts.checkTrailer ?? true) && src.objectSize !== undefined && src.objectSize >= 18) {
    // gzip ends with the uncompressed size mod 2^32; a mismatch means a cut-off (or multi-member) file.
    const tail = await getObjectBytes(client, bucket, key, { start: src.objectSize - 4, end: src.objectSize - 1, signal: opts.signal });
    info.bytesTransferred += tail.length;
    if (tail.length === 4) {
      const isize = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true);
      if (isize !== expected % 2 ** 32)
        info.warnings.push(
          `The gzip trailer says ${isize} bytes uncompressed but the header describes ${expected}: the file is probably truncated.`,
        );
    }
  }
  return info;
}
