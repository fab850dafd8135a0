// Nothing local is replaced without being asked (docs/folders.md, "Conflicts" and "Several studies in
// one folder"): files edited by hand or in the app are kept and shown as conflicts; a second study saved
// into the same folder is announced before the save and never replaces the first one's files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { APFS, realFolderTarget } from '#harness/folders.ts';
import { S3BIDSStudy, createS3Client, writeJson } from '../../src/lib/index.ts';
import { readManifest } from '../../src/lib/save/manifest.ts';
import { summarisePlan } from '../../src/state/save.svelte.ts';

const B = 'local-conflicts';
const RELS = ['dataset_description.json', 'sub-01/anat/sub-01_T1w.json', 'sub-01/anat/sub-01_T1w.nii', 'sub-02/anat/sub-02_T1w.json'];
let moto: Moto;
const body = (prefix: string, rel: string) => (rel.endsWith('.json') ? JSON.stringify({ study: prefix, rel }) : `nifti of ${prefix} ${rel}`);

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(B);
  // Two studies whose files have the same relative paths.
  for (const prefix of ['ds-a', 'ds-b']) for (const r of RELS) await moto.put(B, `${prefix}/${r}`, body(prefix, r));
});
afterAll(async () => moto?.stop());

const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-conflicts-'));
const open = (prefix = 'ds-a') => S3BIDSStudy.open({ bucket: B, s3Prefix: prefix, client: createS3Client({ endpoint: moto.endpoint }), subjects: 'all' });
const read = (dir: string, rel: string) => readFileSync(join(dir, rel), 'utf8');

describe('nothing local is replaced without being asked', () => {
  it('keeps a sidecar edited by hand and one edited in the app, shows them as conflicts, and replaces them only with overwrite', async () => {
    const dir = tempDir();
    const study = await open();
    const first = await study.download(realFolderTarget(dir, APFS));
    expect(first.failed).toEqual([]);
    // By hand (another size); and through the app's sidecar editor (same size as before: only the manifest can tell).
    writeFileSync(join(dir, 'sub-01/anat/sub-01_T1w.json'), '{"EchoTime": 0.003}');
    const original = read(dir, 'sub-02/anat/sub-02_T1w.json');
    const edited = original.replace('ds-a', 'ds-A');
    await writeJson(dir, 'sub-02/anat/sub-02_T1w.json', JSON.parse(edited));
    expect((await readManifest(realFolderTarget(dir))).files['sub-02/anat/sub-02_T1w.json']!.editedAt).toBeTruthy();

    const plan = await study.plan({}, realFolderTarget(dir, APFS));
    const conflicts = plan.entries.filter((e) => e.conflict).map((e) => [e.localPath, e.action, e.conflict]);
    expect(conflicts).toEqual([
      ['sub-01/anat/sub-01_T1w.json', 'skip', expect.stringMatching(/differs from what was saved.*kept/)],
      ['sub-02/anat/sub-02_T1w.json', 'skip', expect.stringMatching(/edited in this app.*kept/)],
    ]);
    expect(summarisePlan(plan).conflicts).toBe(2);

    const again = await study.download(realFolderTarget(dir, APFS));
    expect(again.downloaded).toBe(0);
    expect(read(dir, 'sub-01/anat/sub-01_T1w.json')).toBe('{"EchoTime": 0.003}');
    expect(JSON.parse(read(dir, 'sub-02/anat/sub-02_T1w.json'))).toEqual(JSON.parse(edited));

    const forced = await study.download(realFolderTarget(dir, APFS), { overwrite: true });
    expect(forced.failed).toEqual([]);
    expect(read(dir, 'sub-01/anat/sub-01_T1w.json')).toBe(body('ds-a', 'sub-01/anat/sub-01_T1w.json'));
    expect((await study.plan({}, realFolderTarget(dir, APFS))).entries.filter((e) => e.conflict)).toEqual([]);
  });

  it('says before saving a second study into a folder that holds one, keeps the first one\'s files, and the manifest lists both', async () => {
    const dir = tempDir();
    await (await open('ds-a')).download(realFolderTarget(dir, APFS));
    const b = await open('ds-b');
    const plan = await b.plan({}, realFolderTarget(dir, APFS));
    expect(plan.warnings).toEqual([expect.stringMatching(/already holds another study \(s3:\/\/local-conflicts\/ds-a\).*kept/)]);
    expect(summarisePlan(plan).warnings).toHaveLength(1);
    expect(plan.entries.every((e) => e.conflict?.includes('another study'))).toBe(true);

    const report = await b.download(realFolderTarget(dir, APFS));
    expect(report.downloaded).toBe(0);
    for (const r of RELS) expect(read(dir, r), r).toBe(body('ds-a', r));
    const m = await readManifest(realFolderTarget(dir));
    expect(m.studies.map((s) => s.prefix)).toEqual(['ds-a', 'ds-b']);
    expect(Object.values(m.files).every((f) => f.key.startsWith('ds-a/'))).toBe(true);
  });
});
