// Images that could freeze or exhaust the tab (README, "Faults and bad input"): a vox_offset inside the
// header or not a number, a small .nii.gz whose header promises gigabytes, and inflating into one buffer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { isS3BIDSError } from '../errors/index.ts';
import { createS3Client } from '../s3/index.ts';
import { encodeNifti, gzipBytes } from './encode.ts';
import { parseNiftiHeader } from './parse.ts';
import { readPrefix } from './ranged.ts';
import { DEFAULT_HOLD_ABOVE, planNiftiVolume, readNiftiVolume } from './volume.ts';

const meta = { where: 's3://b/x.nii', gzip: false, bytesTransferred: 0, objectSize: undefined };

/** A small NIfTI-1 image whose header is then edited: dims and vox_offset as a hostile file has them. */
function edited(opts: { dims?: number[]; voxOffset?: number }): Uint8Array {
  const b = encodeNifti({ dims: [4, 4, 4], datatype: 'uint8' });
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (opts.dims) opts.dims.forEach((d, i) => dv.setInt16(40 + i * 2, d, true));
  if (opts.voxOffset !== undefined) dv.setFloat32(108, opts.voxOffset, true);
  return b;
}

describe('vox_offset', () => {
  it('inside the header is refused', () => {
    expect(() => parseNiftiHeader(edited({ voxOffset: 100 }), meta)).toThrow(/starts at byte 100, inside the 352-byte header/);
    expect(() => parseNiftiHeader(edited({ voxOffset: 0 }), meta)).toThrow(/inside the 352-byte header/);
  });
  it('not finite or not whole is refused', () => {
    for (const v of [NaN, Infinity, 400.5]) {
      try {
        parseNiftiHeader(edited({ voxOffset: v }), meta);
        expect.unreachable();
      } catch (e) {
        expect(isS3BIDSError(e, 'InvalidNifti')).toBe(true);
        expect((e as Error).message).toMatch(/not a whole number/);
      }
    }
  });
  it('a sound one is read', () => {
    expect(parseNiftiHeader(edited({ voxOffset: 352 }), meta).voxOffset).toBe(352);
  });
});

describe('a small .nii.gz whose header promises gigabytes', () => {
  let moto: Moto;
  const B = 'nifti-hostile';
  beforeAll(async () => {
    moto = await startMoto();
    await moto.createBucket(B);
    // 1024 × 1024 × 600 uint8: 629 MB uncompressed from a gzip of a few hundred bytes.
    await moto.put(B, 'bomb.nii.gz', await gzipBytes(edited({ dims: [3, 1024, 1024, 600] })));
    await moto.put(B, 'huge.nii.gz', await gzipBytes(edited({ dims: [3, 2048, 2048, 1024] })));
  });
  afterAll(async () => moto?.stop());

  it('asks before holding more than the uncompressed limit, even when the download is small', async () => {
    const client = createS3Client({ endpoint: moto.endpoint });
    let asked: ReturnType<typeof planNiftiVolume> | undefined;
    const err = await readNiftiVolume(client, B, 'bomb.nii.gz', {
      confirm: (plan) => ((asked = plan), false),
    }).catch((e: unknown) => e);
    expect(isS3BIDSError(err, 'Aborted')).toBe(true);
    expect(asked?.reason).toBe('memory');
    expect(asked!.bytesToDecode).toBeGreaterThan(DEFAULT_HOLD_ABOVE);
    expect(asked!.estimatedDownloadBytes).toBeLessThan(10_000);
  });

  it('refuses outright what no tab can hold, without asking', async () => {
    const client = createS3Client({ endpoint: moto.endpoint });
    let asked = false;
    const err = await readNiftiVolume(client, B, 'huge.nii.gz', { confirm: () => (asked = true) }).catch((e: unknown) => e);
    expect(isS3BIDSError(err, 'InvalidNifti')).toBe(true);
    expect((err as Error).message).toMatch(/4\.3 GB once uncompressed, more than the page can hold/);
    expect(asked).toBe(false);
  });
});

describe('inflating a volume', () => {
  it('fills one buffer of exactly the size the header gives (no doubling, no spare capacity)', async () => {
    const img = encodeNifti({ dims: [33, 17, 9], datatype: 'int16' });
    const gz = await gzipBytes(img);
    const chunks = [gz.subarray(0, 200), gz.subarray(200, 1000), gz.subarray(1000)];
    const src = { next: async () => chunks.shift() };
    const need = img.length - 7;
    const { bytes } = await readPrefix(src, true, () => need, undefined, need);
    expect(bytes.length).toBe(need);
    expect(bytes.buffer.byteLength).toBe(need);
    expect(bytes).toEqual(img.subarray(0, need));
  });
  it('a plain .nii too', async () => {
    const img = encodeNifti({ dims: [20, 20, 20], datatype: 'uint8' });
    const chunks = [img.subarray(0, 5000), img.subarray(5000)];
    const { bytes } = await readPrefix({ next: async () => chunks.shift() }, false, () => img.length, undefined, img.length);
    expect(bytes.buffer.byteLength).toBe(img.length);
    expect(bytes).toEqual(img);
  });
});
