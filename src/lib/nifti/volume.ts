import type { S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError, throwIfAborted } from '../errors/index.ts';
import { readNiftiHeader } from './header.ts';
import { openRanged, readPrefix } from './ranged.ts';
import type { NiftiHeaderInfo } from './types.ts';

/** What showing an image would cost, so the user can confirm before a large download. */
export interface VolumePlan {
  /** Frames (3D volumes) that will be read: all for 3D, at most `maxFrames` for 4D and up. */
  frames: number;
  totalFrames: number;
  /** Uncompressed bytes needed: header + extensions + `frames` volumes. */
  bytesToDecode: number;
  /** Network bytes, exact for .nii and estimated pro rata from the object's size for .nii.gz. */
  estimatedDownloadBytes: number;
  needsConfirmation: boolean;
  /** Why it needs confirmation: a large download, or a small download that inflates past `holdAbove`. */
  reason?: 'download' | 'memory';
  /** More uncompressed bytes than the page may hold at all (MAX_HOLD_BYTES): refused, never asked. */
  tooLarge: boolean;
}

export interface VolumeOptions {
  signal?: AbortSignal;
  /** Frames to read from a 4D image. Default 1. */
  maxFrames?: number;
  /** Downloads estimated above this many bytes need `confirm`. Default 32 MiB. */
  confirmAbove?: number;
  /** Images whose uncompressed bytes exceed this need `confirm`, whatever their download size. Default 512 MiB. */
  holdAbove?: number;
  /** Asked before a large download; resolve false to cancel. */
  confirm?: (plan: VolumePlan, header: NiftiHeaderInfo) => boolean | Promise<boolean>;
  /** The header, when the caller already read it (saves one small request). */
  header?: NiftiHeaderInfo;
  onProgress?: (bytesTransferred: number, estimatedTotal: number) => void;
}

export interface NiftiVolume {
  header: NiftiHeaderInfo;
  plan: VolumePlan;
  /** An uncompressed single-file NIfTI holding only the frames read (its dims say so): hand it to a viewer. */
  bytes: Uint8Array;
  bytesTransferred: number;
}

export const DEFAULT_CONFIRM_ABOVE = 32 * 1024 * 1024;
/** A small .nii.gz can inflate to gigabytes: ask before holding more than this many uncompressed bytes. */
export const DEFAULT_HOLD_ABOVE = 512 * 1024 * 1024;
/** Never hold more than this (one buffer the browser can give a tab); larger images are refused. */
export const MAX_HOLD_BYTES = 2 * 1024 * 1024 * 1024;

export function planNiftiVolume(
  header: NiftiHeaderInfo,
  opts: { maxFrames?: number; confirmAbove?: number; holdAbove?: number } = {},
): VolumePlan {
  const totalFrames = header.dims.slice(3).reduce((a, b) => a * b, 1);
  const frames = Math.max(1, Math.min(totalFrames, Math.floor(opts.maxFrames ?? 1)));
  const bytesToDecode = header.voxOffset + frames * header.volumeBytes;
  const whole = header.voxOffset + header.imageBytes;
  const estimatedDownloadBytes = header.gzip
    ? Math.ceil((header.objectSize ?? whole) * Math.min(1, bytesToDecode / whole))
    : bytesToDecode;
  const bigDownload = estimatedDownloadBytes > (opts.confirmAbove ?? DEFAULT_CONFIRM_ABOVE);
  const bigMemory = bytesToDecode > (opts.holdAbove ?? DEFAULT_HOLD_ABOVE);
  const plan: VolumePlan = {
    frames,
    totalFrames,
    bytesToDecode,
    estimatedDownloadBytes,
    needsConfirmation: bigDownload || bigMemory,
    tooLarge: !(bytesToDecode <= MAX_HOLD_BYTES),
  };
  if (bigMemory) plan.reason = 'memory';
  else if (bigDownload) plan.reason = 'download';
  return plan;
}

/** Rewrites the dims of a header copy so a viewer sees exactly the frames that were read. */
function limitFrames(bytes: Uint8Array, header: NiftiHeaderInfo, frames: number): void {
  if (header.dims.length <= 3) return;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = header.littleEndian;
  const ndim = Math.min(header.dims.length, 4);
  for (let i = 0; i < 8; i++) {
    const v = i === 0 ? ndim : i === 4 ? frames : i > 4 ? 1 : (header.dims[i - 1] ?? 1);
    if (header.version === 1) dv.setInt16(40 + i * 2, v, le);
    else dv.setBigInt64(16 + i * 8, BigInt(v), le);
  }
}

/**
 * Reads an image for the slice viewer: the header first (unless given), then, after `confirm` when the
 * download is large, only the bytes up to the last frame wanted (a Range for .nii; for .nii.gz the
 * gzip stream is read that far and cancelled).
 */
export async function readNiftiVolume(client: S3Client, bucket: string, key: string, opts: VolumeOptions = {}): Promise<NiftiVolume> {
  const where = `s3://${bucket}/${key}`;
  const header = opts.header ?? (await readNiftiHeader(client, bucket, key, opts.signal ? { signal: opts.signal } : {}));
  const plan = planNiftiVolume(header, opts);
  if (plan.tooLarge)
    throw new S3BIDSError(
      'InvalidNifti',
      `${where} would take ${(plan.bytesToDecode / 1e9).toFixed(1)} GB once uncompressed, more than the page can hold ` +
        `(${(MAX_HOLD_BYTES / 1e9).toFixed(1)} GB); save it and open it in a desktop viewer.`,
    );
  if (plan.needsConfirmation) {
    const mb = (plan.estimatedDownloadBytes / 1e6).toFixed(1);
    const held = (plan.bytesToDecode / 1e6).toFixed(1);
    if (!opts.confirm)
      throw new S3BIDSError(
        'InvalidOption',
        plan.reason === 'memory'
          ? `Showing ${where} needs about ${mb} MB of download that inflates to ${held} MB in memory; confirm first.`
          : `Showing ${where} needs about ${mb} MB; confirm the download first.`,
      );
    if (!(await opts.confirm(plan, header))) throw new S3BIDSError('Aborted', 'Cancelled before downloading the image.');
  }
  throwIfAborted(opts.signal);
  let transferred = 0;
  const src = await openRanged(client, bucket, key, {
    signal: opts.signal,
    firstChunk: 1024 * 1024,
    maxChunk: 16 * 1024 * 1024,
    onBytes: (n) => {
      transferred += n;
      opts.onProgress?.(transferred, plan.estimatedDownloadBytes);
    },
    ...(header.gzip ? {} : { limit: plan.bytesToDecode }),
  });
  const { bytes, error } = await readPrefix(src, header.gzip, () => plan.bytesToDecode, opts.signal, plan.bytesToDecode).finally(() =>
    src.close(),
  );
  if (bytes.length < plan.bytesToDecode)
    throw new S3BIDSError(
      'InvalidNifti',
      `${where} is truncated: it ends after ${bytes.length} of the ${plan.bytesToDecode} bytes its header promises.`,
      error === undefined ? {} : { cause: error },
    );
  // readPrefix allocated exactly bytesToDecode: the buffer is ours, no copy needed.
  const out = bytes;
  limitFrames(out, header, plan.frames);
  return { header, plan, bytes: out, bytesTransferred: src.bytesTransferred };
}
