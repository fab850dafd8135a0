import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CREDENTIALS, startMoto, type Moto } from '#harness/moto.ts';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../s3/index.ts';
import { isS3BIDSError } from '../errors/index.ts';
import { encodeNifti, gzipBytes } from './encode.ts';
import { readNiftiHeader } from './header.ts';
import { BIG_DIMS, bigNiftiGz, fileStream } from '#harness/fixtures/big-nifti.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';

const B = 'nifti-hdr';
const AFFINE = [
  [-1.5, 0, 0, 90],
  [0, 1.5, 0, -126],
  [0, 0, 2, -72],
  [0, 0, 0, 1],
];
let moto: Moto;
let proxy: Proxy;
let big: Awaited<ReturnType<typeof bigNiftiGz>>;

/** A NIfTI-1 file with one header extension of `extBytes` (a multiple of 16) before the data. */
function withExtension(plain: Uint8Array, extBytes: number, code = 6): Uint8Array {
  const out = new Uint8Array(plain.length + extBytes);
  out.set(plain.subarray(0, 348));
  const dv = new DataView(out.buffer);
  dv.setFloat32(108, 352 + extBytes, true); // vox_offset
  out[348] = 1; // extension flag
  dv.setInt32(352, extBytes, true);
  dv.setInt32(356, code, true);
  // Incompressible content, so the gzipped header spills past the first 4 KiB range.
  let x = 7;
  for (let i = 360; i < 352 + extBytes; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  out.set(plain.subarray(352), 352 + extBytes);
  return out;
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startProxy({ target: moto.endpoint });
  await moto.createBucket(B);
  big = await bigNiftiGz();
  await moto.admin.send(new PutObjectCommand({ Bucket: B, Key: 'big/sub-01_dwi.nii.gz', Body: fileStream(big.path), ContentLength: big.size, ACL: 'public-read' }));
  const img3 = { dims: [10, 12, 8], datatype: 'int16' as const, affine: AFFINE, description: 'a small T1w' };
  const n1 = encodeNifti(img3);
  await moto.put(B, 'n1/T1w.nii', n1);
  await moto.put(B, 'n1/T1w.nii.gz', await gzipBytes(n1));
  const n2 = encodeNifti({ ...img3, version: 2, dims: [6, 5, 4, 3], datatype: 'float32', pixdim: [1.5, 1.5, 2, 2500], xyztUnits: 2 | 16 });
  await moto.put(B, 'n2/bold.nii', n2);
  await moto.put(B, 'n2/bold.nii.gz', await gzipBytes(n2));
  await moto.put(B, 'ext/T1w.nii.gz', await gzipBytes(withExtension(n1, 8000)));
  const gz = await gzipBytes(n1);
  await moto.put(B, 'bad/trunc-in-header.nii.gz', gz.subarray(0, 60));
  await moto.put(B, 'bad/trunc-in-data.nii.gz', gz.subarray(0, gz.length - 40));
  await moto.put(B, 'bad/trunc.nii', n1.subarray(0, 1000));
  await moto.put(B, 'bad/short.nii', n1.subarray(0, 200));
  await moto.put(B, 'bad/text.nii.gz', 'this is not an image at all, just some text that is long enough to matter');
  await moto.put(B, 'bad/png.nii.gz', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(500).fill(0)]));
  await moto.put(B, 'bad/empty.nii', new Uint8Array(0));
  await moto.createBucket('nifti-private', { public: false });
  await moto.put('nifti-private', 'T1w.nii.gz', await gzipBytes(n1), { public: false });
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

const anon = () => createS3Client({ endpoint: moto.endpoint });

describe('readNiftiHeader', () => {
  it('reads a 200 MB .nii.gz header with at most 64 KiB on the wire', async () => {
    expect(big.size).toBeGreaterThan(200 * 1024 * 1024);
    proxy.resetStats();
    const c = createS3Client({ endpoint: proxy.endpoint });
    const h = await readNiftiHeader(c, B, 'big/sub-01_dwi.nii.gz');
    expect(h.dims).toEqual([...BIG_DIMS]);
    expect(h.datatype).toMatchObject({ name: 'int16', code: 4 });
    expect(h.voxelSize).toEqual([2, 2, 2, expect.closeTo(0.8, 5)]);
    expect(h.tr).toBeCloseTo(0.8, 5);
    expect(h.gzip).toBe(true);
    expect(h.objectSize).toBe(big.size);
    expect(h.warnings).toEqual([]); // the trailer's size matches the header
    // Measured twice: what the reader counted and what the proxy relayed.
    expect(h.bytesTransferred).toBeLessThanOrEqual(64 * 1024);
    expect(proxy.stats.bytesOut).toBeLessThanOrEqual(64 * 1024);
    expect(proxy.stats.bytesOut).toBe(h.bytesTransferred);
    console.log(`nifti-header-bytes: ${h.bytesTransferred} bytes in ${proxy.stats.requests} requests for a ${big.size}-byte .nii.gz`);
  });

  it('stops early when a server ignores Range and sends the whole 200 MB object', async () => {
    const plainServer = await startProxy({ target: moto.endpoint, ignoreRange: true });
    try {
      const h = await readNiftiHeader(createS3Client({ endpoint: plainServer.endpoint }), B, 'big/sub-01_dwi.nii.gz');
      expect(h.dims).toEqual([...BIG_DIMS]);
      expect(h.objectSize).toBe(big.size);
      expect(h.bytesTransferred).toBeLessThanOrEqual(1024 * 1024);
      // Once the cancel has reached the server (the response is closed), count what crossed the wire:
      // cancelled, not drained, so far less than the object.
      await plainServer.whenIdle();
      expect(plainServer.stats.bytesOut).toBeLessThan(big.size / 4);
      console.log(`range ignored: read ${h.bytesTransferred} bytes; the server sent ${plainServer.stats.bytesOut} before the cancel reached it`);
    } finally {
      await plainServer.stop();
    }
  });

  it('reads NIfTI-1 plain and gzipped with the same answer', async () => {
    const plain = await readNiftiHeader(anon(), B, 'n1/T1w.nii');
    const gz = await readNiftiHeader(anon(), B, 'n1/T1w.nii.gz');
    for (const h of [plain, gz]) {
      expect(h.version).toBe(1);
      expect(h.dims).toEqual([10, 12, 8]);
      expect(h.voxelSize).toEqual([1.5, 1.5, 2]);
      expect(h.datatype.name).toBe('int16');
      expect(h.units).toMatchObject({ space: 'mm', time: 'sec' });
      expect(h.tr).toBeUndefined();
      expect(h.description).toBe('a small T1w');
      expect(h.affine).toEqual(AFFINE);
      expect(h.affineSource).toBe('sform');
      expect(h.sform).toMatchObject({ code: 1, name: 'scanner' });
      expect(h.qform.code).toBe(1);
      h.qform.matrix.flat().forEach((v, i) => expect(v).toBeCloseTo(AFFINE.flat()[i]!, 4));
      expect(h.voxOffset).toBe(352);
    }
    expect(plain.gzip).toBe(false);
    expect(gz.gzip).toBe(true);
    expect(plain.bytesTransferred).toBeLessThanOrEqual(4096);
  });

  it('reads NIfTI-2, plain and gzipped, with TR converted to seconds', async () => {
    for (const key of ['n2/bold.nii', 'n2/bold.nii.gz']) {
      const h = await readNiftiHeader(anon(), B, key);
      expect(h.version).toBe(2);
      expect(h.dims).toEqual([6, 5, 4, 3]);
      expect(h.datatype).toMatchObject({ name: 'float32', code: 16, bitsPerVoxel: 32 });
      expect(h.units).toMatchObject({ space: 'mm', time: 'msec' });
      expect(h.tr).toBeCloseTo(2.5, 6);
      expect(h.voxOffset).toBe(544);
      expect(h.imageBytes).toBe(6 * 5 * 4 * 3 * 4);
      expect(h.affine).toEqual(AFFINE);
    }
  });

  it('fetches further ranges only when a header extension needs them', async () => {
    proxy.resetStats();
    const h = await readNiftiHeader(createS3Client({ endpoint: proxy.endpoint }), B, 'ext/T1w.nii.gz');
    expect(h.voxOffset).toBe(8352);
    expect(h.extensions).toEqual([{ code: 6, size: 8000 }]);
    expect(h.dims).toEqual([10, 12, 8]);
    expect(proxy.stats.bytesOut).toBe(h.bytesTransferred);
    expect(h.bytesTransferred).toBeGreaterThan(4096); // it had to read past the first range
    const noExt = await readNiftiHeader(anon(), B, 'ext/T1w.nii.gz', { extensions: false });
    expect(noExt.extensions).toEqual([]);
  });

  it.each([
    ['bad/trunc-in-header.nii.gz', /breaks off|corrupt/],
    ['bad/short.nii', /ends after 200 bytes/],
    ['bad/trunc.nii', /truncated: its header describes 2272 bytes but the object has 1000/],
    ['bad/text.nii.gz', /does not start with a NIfTI-1 or NIfTI-2 header/],
    ['bad/png.nii.gz', /does not start with a NIfTI/],
    ['bad/empty.nii', /does not start with a NIfTI/],
  ])('names %s as InvalidNifti', async (key, message) => {
    const err = await readNiftiHeader(anon(), B, key).catch((e: unknown) => e);
    expect(isS3BIDSError(err, 'InvalidNifti')).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(`s3://${B}/${key}`);
  });

  it('warns (from the gzip trailer) about a .nii.gz cut off after its header', async () => {
    const h = await readNiftiHeader(anon(), B, 'bad/trunc-in-data.nii.gz');
    expect(h.dims).toEqual([10, 12, 8]);
    expect(h.warnings.join(' ')).toMatch(/probably truncated/);
  });

  it('names a missing object NotFound and a private one AccessDenied, and reads it with credentials', async () => {
    await expect(readNiftiHeader(anon(), B, 'nope.nii.gz')).rejects.toSatisfy((e) => isS3BIDSError(e, 'NotFound'));
    await expect(readNiftiHeader(anon(), 'nifti-private', 'T1w.nii.gz')).rejects.toSatisfy((e) => isS3BIDSError(e, 'AccessDenied'));
    const signed = createS3Client({ endpoint: moto.endpoint, credentials: ADMIN_CREDENTIALS });
    expect((await readNiftiHeader(signed, 'nifti-private', 'T1w.nii.gz')).dims).toEqual([10, 12, 8]);
  });

  it('honours an abort signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(readNiftiHeader(anon(), B, 'n1/T1w.nii.gz', { signal: ac.signal })).rejects.toSatisfy((e) => isS3BIDSError(e, 'Aborted'));
  });
});
