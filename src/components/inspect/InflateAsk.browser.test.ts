// The inspector meeting a .nii.gz that inflates far beyond its download (README, "Faults and bad input"):
// it asks before holding more than 512 MiB uncompressed, refuses what no tab can hold, and names a
// vox_offset inside the header, in Chromium against moto, with the engine's default limits.
import { flushSync, mount, unmount } from 'svelte';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createS3Client, encodeNifti, listAll } from '../../lib/index.ts';
import { gzipBytes } from '../../lib/nifti/index.ts';
import { InspectState } from '../../state/inspect.svelte.ts';
import Inspector from './Inspector.svelte';

const B = 'inflate-browser';
const P = 'ds';
const BOMB = `${P}/sub-01/anat/sub-01_T1w.nii.gz`;
const HUGE = `${P}/sub-02/anat/sub-02_T1w.nii.gz`;
const BADOFF = `${P}/sub-03/anat/sub-03_T1w.nii.gz`;
let state: InspectState;
let app: ReturnType<typeof mount>;
let endpoint: string;

async function formPost(key: string, body: Uint8Array): Promise<void> {
  const form = new FormData();
  form.set('key', key);
  form.set('acl', 'public-read');
  form.set('file', new Blob([new Uint8Array(body)]));
  await fetch(`${endpoint}/${B}`, { method: 'POST', body: form, mode: 'no-cors' });
}

/** A tiny image whose header then claims other dims (dim[0..]) or another vox_offset. */
function edited(opts: { dims?: number[]; voxOffset?: number }): Uint8Array {
  const b = encodeNifti({ dims: [4, 4, 4], datatype: 'uint8' });
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  opts.dims?.forEach((d, i) => dv.setInt16(40 + i * 2, d, true));
  if (opts.voxOffset !== undefined) dv.setFloat32(108, opts.voxOffset, true);
  return b;
}

const text = (sel: string) => document.querySelector(sel)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const button = (label: string) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === label);
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 25));
}

beforeAll(async () => {
  endpoint = inject('motoEndpoint');
  await commands.s3Seed(B, 'seed/', [{ name: 'x', size: 1 }]); // Node creates the bucket
  await formPost(BOMB, await gzipBytes(edited({ dims: [3, 1024, 1024, 600] }))); // 629 MB from a few hundred bytes
  await formPost(HUGE, await gzipBytes(edited({ dims: [3, 2048, 2048, 1024] }))); // 4.3 GB
  await formPost(BADOFF, await gzipBytes(edited({ voxOffset: 100 })));
  const client = createS3Client({ endpoint });
  const keys = (await listAll(client, B, `${P}/`)).map((o) => o.key);
  state = new InspectState(() => ({ client, bucket: B, prefix: P, keys }));
  app = mount(Inspector, { target: document.body, props: { inspect: state } });
});
afterAll(() => unmount(app));

describe('an inflating .nii.gz in the inspector', () => {
  it('asks before holding 629 MB, though the download is tiny, and Cancel downloads nothing', async () => {
    await state.inspect(BOMB);
    flushSync();
    button('Show slices')!.click();
    await until(() => state.viewer !== 'closed');
    flushSync();
    expect(state.viewer).toBe('confirm');
    expect(state.plan?.reason).toBe('memory');
    expect(text('[role="alertdialog"] [data-reason="memory"]')).toMatch(/This image inflates to 629(\.\d)? MB once uncompressed, all held in this tab's memory/);
    button('Cancel')!.click();
    flushSync();
    expect(state.viewer).toBe('closed');
    expect(state.volume).toBeUndefined();
  });

  it('refuses 4.3 GB with a plain message, without asking', async () => {
    await state.inspect(HUGE);
    flushSync();
    button('Show slices')!.click();
    await until(() => state.viewer !== 'closed');
    flushSync();
    expect(state.viewer).toBe('error');
    expect(document.querySelector('[role="alertdialog"]')).toBeNull();
    expect(state.viewerProblem?.title).toBe('Not a readable NIfTI image');
    expect(state.viewerProblem?.message).toMatch(/4\.3 GB once uncompressed, more than the page can hold/);
  });

  it('names a vox_offset inside the header instead of showing the header as voxels', async () => {
    await state.inspect(BADOFF);
    flushSync();
    expect(state.headerStatus).toBe('error');
    expect(state.headerProblem?.message).toMatch(/starts at byte 100, inside the 352-byte header/);
  });
});
