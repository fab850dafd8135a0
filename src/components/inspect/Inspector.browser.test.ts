// The inspector as a user meets it, in Chromium against moto: header panel, sidecar provenance, the
// size confirmation and on-demand NiiVue, and the editor saving into an OPFS folder.
import { flushSync, mount, unmount } from 'svelte';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createS3Client, encodeNifti, listAll } from '../../lib/index.ts';
import { InspectState } from '../../state/inspect.svelte.ts';
import Inspector from './Inspector.svelte';

const B = 'inspect-browser';
const P = 'ds';
const BOLD = `${P}/sub-01/func/sub-01_task-rest_bold.nii`;
const T1W = `${P}/sub-01/anat/sub-01_T1w.nii`;
let endpoint: string;
let dir: FileSystemDirectoryHandle;
let state: InspectState;
let app: ReturnType<typeof mount>;

async function formPost(key: string, body: Uint8Array | string): Promise<void> {
  const form = new FormData();
  form.set('key', key);
  form.set('acl', 'public-read');
  form.set('file', new Blob([typeof body === 'string' ? body : new Uint8Array(body)]));
  await fetch(`${endpoint}/${B}`, { method: 'POST', body: form, mode: 'no-cors' });
}

const text = (sel: string) => document.querySelector(sel)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const cells = (sel: string) => [...(document.querySelector(sel)?.querySelectorAll('td') ?? [])].map((td) => td.textContent?.trim());
const button = (label: string) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === label);
const niivueLoaded = () => performance.getEntriesByType('resource').some((r) => /niivue/i.test(r.name) && !/niivue\.ts/.test(r.name));
async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the page');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  endpoint = inject('motoEndpoint');
  await commands.s3Seed(B, 'seed/', [{ name: 'x', size: 1 }]); // Node creates the bucket
  await formPost(BOLD, encodeNifti({ dims: [8, 6, 5, 10], datatype: 'int16', pixdim: [2, 2, 2, 1.5], description: 'rest run' }));
  await formPost(`${P}/task-rest_bold.json`, '{"TaskName": "rest", "RepetitionTime": 2}');
  await formPost(`${P}/sub-01/sub-01_task-rest_bold.json`, '{"EchoTime": 0.03}');
  await formPost(`${P}/sub-01/func/sub-01_task-rest_bold.json`, '{"RepetitionTime": 1.5}');
  await formPost(T1W, encodeNifti({ dims: [4, 4, 4], datatype: 'int16', pixdim: [1, 1, 1] }));
  await formPost(`${P}/sub-01/anat/sub-01_T1w.json`, '{"EchoTime": 0.00298}');
  const client = createS3Client({ endpoint });
  const keys = (await listAll(client, B, `${P}/`)).map((o) => o.key);
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('inspect-test', { recursive: true }).catch(() => undefined);
  dir = await root.getDirectoryHandle('inspect-test', { create: true });
  // A low confirmation threshold, so this small image takes the "large download" path.
  state = new InspectState(() => ({ client, bucket: B, prefix: P, keys, localDir: dir }), { confirmAbove: 1000 });
  app = mount(Inspector, { target: document.body, props: { inspect: state } });
});
afterAll(() => unmount(app));

describe('Inspector', () => {
  it('shows the header and the inherited sidecar with where each field came from', async () => {
    await state.inspect(BOLD);
    flushSync();
    expect(text('[data-field="dims"]')).toBe('8 × 6 × 5 × 10');
    expect(text('[data-field="voxel"]')).toBe('2 mm × 2 mm × 2 mm × 1.5 sec');
    expect(text('[data-field="tr"]')).toBe('1.5 s');
    expect(text('[data-field="description"]')).toBe('rest run');
    expect(document.querySelectorAll('.affine tr')).toHaveLength(4);
    // Each field names its file relative to the study; the whole key is in the cell's title.
    expect(cells('tr[data-field="RepetitionTime"]')).toEqual(['RepetitionTime', '1.5', 'sub-01/func/sub-01_task-rest_bold.json']);
    expect(cells('tr[data-field="EchoTime"]')).toEqual(['EchoTime', '0.03', 'sub-01/sub-01_task-rest_bold.json']);
    expect(cells('tr[data-field="TaskName"]')).toEqual(['TaskName', '"rest"', 'task-rest_bold.json']);
    expect(document.querySelector('tr[data-field="EchoTime"] .from')?.getAttribute('title')).toBe(`${P}/sub-01/sub-01_task-rest_bold.json`);
    expect(document.querySelectorAll('.fields th')).toHaveLength(3);
    expect(text('.sidecar-panel > p')).toBe('From 3 files, top level first; lower levels override:');
  });

  it('leaves out the From column when one sidecar gives every field', async () => {
    await state.inspect(T1W);
    await until(() => state.sidecarStatus !== 'loading' && state.sidecar?.files.length === 1);
    flushSync();
    expect([...document.querySelectorAll('.fields th')].map((th) => th.textContent)).toEqual(['Field', 'Value']);
    expect(text('.sidecar-panel > p')).toBe('From one file:');
    expect(cells('tr[data-field="EchoTime"]')).toEqual(['EchoTime', '0.00298']);
    await state.inspect(BOLD);
    await until(() => state.sidecar?.files.length === 3);
    flushSync();
  });

  it('asks before downloading, loads NiiVue only then, and limits the frames', async () => {
    expect(niivueLoaded()).toBe(false);
    state.setMaxFrames(3);
    button('Show slices')!.click();
    await until(() => state.viewer === 'confirm');
    flushSync();
    expect(text('.confirm')).toMatch(/Showing 3 of 10 frame\(s\) needs about/);
    expect(niivueLoaded()).toBe(false);
    button('Download and show')!.click();
    await until(() => state.viewer === 'ready');
    flushSync();
    expect(state.volume!.plan.frames).toBe(3);
    expect(document.querySelector('canvas')).not.toBeNull();
    await until(niivueLoaded);
    // Where this Chromium has WebGL2 (SwiftShader), NiiVue must draw without complaint.
    if (document.createElement('canvas').getContext('webgl2')) {
      await new Promise((r) => setTimeout(r, 500));
      expect(document.querySelector('.slice-viewer [role="alert"]')).toBeNull();
    }
    button('Close viewer')!.click();
    flushSync();
    expect(document.querySelector('canvas')).toBeNull();
  });

  it('saves an edited sidecar into the local folder and needs credentials for S3', async () => {
    expect(state.editKey).toBe(`${P}/sub-01/func/sub-01_task-rest_bold.json`);
    state.editText = '{"RepetitionTime": 1.6}';
    button('Save to folder')!.click();
    await until(() => state.saved !== undefined || state.editProblem !== undefined);
    expect(state.saved).toBe('sub-01/func/sub-01_task-rest_bold.json');
    const f = await (await (await (await dir.getDirectoryHandle('sub-01')).getDirectoryHandle('func')).getFileHandle('sub-01_task-rest_bold.json')).getFile();
    expect(await f.text()).toBe('{\n  "RepetitionTime": 1.6\n}\n');
    flushSync();
    expect(button('Save to S3')!.disabled).toBe(true);
    await state.saveS3();
    expect(state.editProblem?.code).toBe('CredentialsRequired');
    expect(state.saved).toBeUndefined();
    state.editText = '{"RepetitionTime": }';
    await state.saveLocal();
    expect(state.editProblem?.code).toBe('InvalidJson');
  });
});
