import { readHeader, readImage } from 'nifti-reader-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CREDENTIALS, startMoto, type Moto } from '#harness/moto.ts';
import { isS3BIDSError } from '../errors/index.ts';
import { createS3Client, getObjectBytes } from '../s3/index.ts';
import { encodeNifti, gunzipBytes, gzipBytes } from './encode.ts';
import { readNiftiHeader } from './header.ts';
import { isGzip } from './parse.ts';
import { planNiftiVolume, readNiftiVolume } from './volume.ts';
import { s3NiftiWrite } from './write.ts';

const B = 'nifti-vol';
const DIMS = [8, 6, 5, 10];
let moto: Moto;
let bold: Uint8Array;
beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(B);
  bold = encodeNifti({ dims: DIMS, datatype: 'int16' });
  await moto.put(B, 'bold.nii', bold);
  await moto.put(B, 'bold.nii.gz', await gzipBytes(bold));
  await moto.put(B, 'cut.nii.gz', (await gzipBytes(bold)).subarray(0, 300));
  await moto.createBucket('nifti-write', { public: false });
});
afterAll(async () => moto?.stop());

const anon = () => createS3Client({ endpoint: moto.endpoint });
const signed = () => createS3Client({ endpoint: moto.endpoint, credentials: ADMIN_CREDENTIALS });
const volBytes = 8 * 6 * 5 * 2;

describe('readNiftiVolume', () => {
  it.each(['bold.nii', 'bold.nii.gz'])('%s: reads only the frames asked for, as a NIfTI a viewer can open', async (key) => {
    const v = await readNiftiVolume(anon(), B, key, { maxFrames: 3 });
    expect(v.plan).toMatchObject({ frames: 3, totalFrames: 10, bytesToDecode: 352 + 3 * volBytes });
    const h = readHeader(v.bytes.slice().buffer);
    expect(h.dims.slice(0, 5)).toEqual([4, 8, 6, 5, 3]);
    const img = new Uint8Array(readImage(h, v.bytes.slice().buffer));
    expect(img).toEqual(bold.subarray(352, 352 + 3 * volBytes));
    if (key === 'bold.nii') expect(v.bytesTransferred).toBe(352 + 3 * volBytes);
  });

  it('asks before a large download and stops when the user says no', async () => {
    const header = await readNiftiHeader(anon(), B, 'bold.nii');
    const plan = planNiftiVolume(header, { maxFrames: 10, confirmAbove: 1000 });
    expect(plan).toMatchObject({ needsConfirmation: true, estimatedDownloadBytes: 352 + 10 * volBytes });
    const asked: number[] = [];
    const no = readNiftiVolume(anon(), B, 'bold.nii', { header, maxFrames: 10, confirmAbove: 1000, confirm: (p) => (asked.push(p.estimatedDownloadBytes), false) });
    await expect(no).rejects.toSatisfy((e) => isS3BIDSError(e, 'Aborted'));
    expect(asked).toEqual([352 + 10 * volBytes]);
    await expect(readNiftiVolume(anon(), B, 'bold.nii', { header, maxFrames: 10, confirmAbove: 1000 })).rejects.toSatisfy((e) =>
      isS3BIDSError(e, 'InvalidOption'),
    );
    const yes = await readNiftiVolume(anon(), B, 'bold.nii', { header, maxFrames: 10, confirmAbove: 1000, confirm: () => true });
    expect(yes.bytes).toEqual(bold);
  });

  it('names a gzip cut off before the frames as InvalidNifti', async () => {
    const header = { ...(await readNiftiHeader(anon(), B, 'bold.nii.gz')) };
    await expect(readNiftiVolume(anon(), B, 'cut.nii.gz', { header, maxFrames: 10 })).rejects.toSatisfy((e) => isS3BIDSError(e, 'InvalidNifti'));
  });
});

describe('s3NiftiWrite', () => {
  const img = { dims: [4, 4, 3], datatype: 'float32' as const, description: 'written' };

  it('needs credentials', async () => {
    await expect(s3NiftiWrite(anon(), 'nifti-write', 'x.nii.gz', img)).rejects.toSatisfy((e) => isS3BIDSError(e, 'CredentialsRequired'));
  });

  it('gzips for .nii.gz and not for .nii, whatever form it was given in, into a private bucket', async () => {
    const plain = encodeNifti(img);
    await s3NiftiWrite(signed(), 'nifti-write', 'a/img.nii.gz', plain);
    await s3NiftiWrite(signed(), 'nifti-write', 'a/img.nii', await gzipBytes(plain));
    await s3NiftiWrite(signed(), 'nifti-write', 'a/img2.nii.gz', img);
    const gz = await getObjectBytes(signed(), 'nifti-write', 'a/img.nii.gz');
    const raw = await getObjectBytes(signed(), 'nifti-write', 'a/img.nii');
    expect(isGzip(gz)).toBe(true);
    expect(await gunzipBytes(gz)).toEqual(plain);
    expect(raw).toEqual(plain);
    expect(isGzip(await getObjectBytes(signed(), 'nifti-write', 'a/img2.nii.gz'))).toBe(true);
    const h = await readNiftiHeader(signed(), 'nifti-write', 'a/img2.nii.gz');
    expect(h).toMatchObject({ dims: [4, 4, 3], description: 'written', gzip: true });
    await expect(readNiftiHeader(anon(), 'nifti-write', 'a/img.nii')).rejects.toSatisfy((e) => isS3BIDSError(e, 'AccessDenied'));
  });

  it('refuses bytes that are not a whole NIfTI image', async () => {
    await expect(s3NiftiWrite(signed(), 'nifti-write', 'bad.nii', new TextEncoder().encode('hello'))).rejects.toSatisfy((e) =>
      isS3BIDSError(e, 'InvalidNifti'),
    );
    await expect(s3NiftiWrite(signed(), 'nifti-write', 'bad.nii', encodeNifti(img).subarray(0, 400))).rejects.toSatisfy((e) =>
      isS3BIDSError(e, 'InvalidNifti'),
    );
  });
});
