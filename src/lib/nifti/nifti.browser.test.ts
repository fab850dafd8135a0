// Headers, volumes and write-back from real Chromium: cross-origin Range reads, DecompressionStream,
// and sidecars saved into an OPFS folder. (Signed writes are tested in Node: moto's CORS refuses a
// browser's PUT preflight on these buckets.)
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import { isS3BIDSError } from '../errors/index.ts';
import { readJson, writeJson } from '../json/index.ts';
import { createS3Client } from '../s3/index.ts';
import { encodeNifti, gzipBytes } from './encode.ts';
import { readNiftiHeader } from './header.ts';
import { readNiftiVolume } from './volume.ts';

const B = 'nifti-browser';
const DIMS = [64, 64, 40, 6];
let endpoint: string;
let proxy: string;
let gzSize = 0;

function randomInt16(n: number): Int16Array {
  const a = new Int16Array(n);
  let x = 99;
  for (let i = 0; i < n; i++) a[i] = (x = (Math.imul(x, 1103515245) + 12345) | 0) >> 16;
  return a;
}

async function formPost(key: string, body: Uint8Array): Promise<void> {
  const form = new FormData();
  form.set('key', key);
  form.set('acl', 'public-read');
  form.set('file', new Blob([new Uint8Array(body)]));
  await fetch(`${endpoint}/${B}`, { method: 'POST', body: form, mode: 'no-cors' });
}

beforeAll(async () => {
  endpoint = inject('motoEndpoint');
  // Node creates the bucket (public, CORS GET/HEAD as public buckets have it). Its CORS rule refuses a
  // browser's PUT preflight, so fixtures go up as S3 form POSTs: a CORS-simple request moto accepts.
  await commands.s3Seed(B, 'seed/', [{ name: 'x', size: 1 }]);
  const img = encodeNifti({ dims: DIMS, datatype: 'int16', data: randomInt16(DIMS.reduce((a, b) => a * b)), description: 'browser' });
  const gz = await gzipBytes(img);
  gzSize = gz.length;
  await formPost('sub-01/dwi/sub-01_dwi.nii.gz', gz);
  await formPost('sub-01/dwi/sub-01_dwi.nii', img);
  proxy = await commands.proxyStart({});
});

describe('NIfTI in Chromium', () => {
  it('reads a .nii.gz header anonymously with one small Range request and no preflight', async () => {
    await commands.proxyReset(proxy);
    const h = await readNiftiHeader(createS3Client({ endpoint: proxy }), B, 'sub-01/dwi/sub-01_dwi.nii.gz');
    expect(h).toMatchObject({ version: 1, dims: DIMS, gzip: true, description: 'browser', objectSize: gzSize });
    expect(h.datatype.name).toBe('int16');
    expect(gzSize).toBeGreaterThan(1_000_000);
    const c = await commands.proxyCounters(proxy);
    expect(c.options).toBe(0);
    expect(c.bytesOut).toBeLessThanOrEqual(64 * 1024);
    expect(h.bytesTransferred).toBeLessThanOrEqual(c.bytesOut);
    expect(h.bytesTransferred).toBeLessThanOrEqual(4096 + 4);
  });

  it('reads plain .nii and limits 4D frames for the viewer', async () => {
    const c = createS3Client({ endpoint });
    const h = await readNiftiHeader(c, B, 'sub-01/dwi/sub-01_dwi.nii');
    expect(h).toMatchObject({ dims: DIMS, gzip: false, voxOffset: 352 });
    const v = await readNiftiVolume(c, B, 'sub-01/dwi/sub-01_dwi.nii.gz', { maxFrames: 2 });
    expect(v.plan.frames).toBe(2);
    expect(v.bytes.length).toBe(352 + 2 * 64 * 64 * 40 * 2);
    expect(v.bytesTransferred).toBeLessThan(gzSize);
  });
});

describe('JSON in an OPFS folder', () => {
  it('writes, overwrites and reads a sidecar through a directory handle', async () => {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry('json-test', { recursive: true }).catch(() => undefined);
    const dir = await root.getDirectoryHandle('json-test', { create: true });
    await writeJson(dir, 'sub-01/func/sub-01_task-rest_bold.json', { RepetitionTime: 2 });
    await writeJson(dir, 'sub-01/func/sub-01_task-rest_bold.json', { RepetitionTime: 2.5 });
    expect(await readJson(dir, 'sub-01/func/sub-01_task-rest_bold.json')).toEqual({ RepetitionTime: 2.5 });
    const f = await (await (await (await dir.getDirectoryHandle('sub-01')).getDirectoryHandle('func')).getFileHandle('sub-01_task-rest_bold.json')).getFile();
    expect(await f.text()).toBe('{\n  "RepetitionTime": 2.5\n}\n');
    await expect(readJson(dir, 'sub-01/missing.json')).rejects.toSatisfy((e) => isS3BIDSError(e, 'NotFound'));
  });
});
