// Saving into folders with the name rules of macOS and Windows (docs/folders.md): keys that are one file
// there are found by the planner and refused with their reason, never written over each other; the
// exports refuse the same keys.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { APFS, NTFS, realFolderTarget } from '#harness/folders.ts';
import { S3BIDSStudy, awsCliScript, createS3Client, curlScript, s5cmdRunFile } from '../../src/lib/index.ts';
import { diskName } from '../../src/lib/plan/index.ts';

const B = 'real-folders';
const NFC = 'caf\u00e9';
const NFD = 'cafe\u0301';
// Keys of one study that are distinct on S3 and on Linux, but not on macOS or Windows.
const RELS = [
  'dataset_description.json',
  'sub-01/anat/sub-01_T1w.nii',
  'sub-01/anat/sub-01_t1w.nii',
  `sub-01/anat/${NFC}.json`,
  `sub-01/anat/${NFD}.json`,
  'sub-01/dwi/a',
  'sub-01/dwi/a/b',
  'sub-01/dwi/sub-01_dwi.nii',
];
let moto: Moto;
const body = (rel: string) => `bytes of ${rel} ${createHash('md5').update(rel).digest('hex')}`;

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(B);
  for (const r of RELS) await moto.put(B, `ds/${r}`, body(r));
});
afterAll(async () => moto?.stop());

const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-real-folders-'));
const open = () => S3BIDSStudy.open({ bucket: B, s3Prefix: 'ds', client: createS3Client({ endpoint: moto.endpoint }), subjects: 'all' });

/** Every file below `dir` (the app's own folder left out), by its path. */
function walk(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(dir, rel))) {
    const p = rel ? `${rel}/${name}` : name;
    if (p === '.s3bids') continue;
    if (statSync(join(dir, p)).isDirectory()) for (const [k, v] of walk(dir, p)) out.set(k, v);
    else out.set(p, readFileSync(join(dir, p), 'utf8'));
  }
  return out;
}

describe('names that collide on the user\'s disk', () => {
  it('the planner refuses each key that would share a file with another, with its reason', async () => {
    const plan = await (await open()).plan();
    const refused = plan.entries.filter((e) => e.refused).map((e) => [e.localPath, e.refused]);
    expect(refused).toEqual([
      [expect.stringMatching(/^sub-01\/anat\/(caf)/), expect.stringMatching(/Unicode normalisation/)],
      ['sub-01/anat/sub-01_t1w.nii', expect.stringMatching(/differ only by letter case/)],
      ['sub-01/dwi/a/b', expect.stringMatching(/"sub-01\/dwi\/a" is a file/)],
    ]);
    // Exactly one writer per disk name.
    const kept = plan.entries.filter((e) => !e.refused).map((e) => diskName(e.localPath));
    expect(new Set(kept).size).toBe(kept.length);
  });

  it.each([
    ['APFS (case-insensitive, normalising)', APFS],
    ['NTFS (case-insensitive, Windows names)', NTFS],
  ])('on %s every saved file holds the bytes of the key it is named after, and the refusals are reported', async (_, rules) => {
    const dir = tempDir();
    const report = await (await open()).download(realFolderTarget(dir, rules));
    const files = walk(dir);
    for (const [path, text] of files) expect(text, path).toBe(body(path));
    expect(files.size).toBe(RELS.length - 3);
    expect(report.failed.map((f) => f.reason)).toEqual([
      expect.stringMatching(/^Not saved: .*Unicode normalisation/),
      expect.stringMatching(/^Not saved: .*letter case/),
      expect.stringMatching(/^Not saved: .*is a file/),
    ]);
    expect(report.downloaded).toBe(RELS.length - 3);
  });

  it('the exports fetch the same keys the saver keeps, even for a plan not made by the planner', async () => {
    const plan = await (await open()).plan();
    const raw = { ...plan, entries: plan.entries.map(({ refused: _r, ...e }) => e) };
    for (const p of [plan, raw]) {
      const aws = awsCliScript(p);
      const s5 = s5cmdRunFile(p);
      const curl = curlScript(p, (k) => `http://x/${k}`);
      for (const script of [aws, s5, curl]) {
        expect(script).not.toContain("sub-01_t1w.nii'");
        expect(script).toContain("sub-01_T1w.nii'");
        expect(script).not.toContain("dwi/a/b'");
        expect(script).toMatch(/# not saved \(.*letter case.*\): "ds\/sub-01\/anat\/sub-01_t1w.nii"/);
        const fetched = script.split('\n').filter((l) => !l.startsWith('#') && /caf(e\u0301|\u00e9)\.json'/.test(l));
        expect(fetched).toHaveLength(1);
      }
    }
  });
});

describe('the real-folder target itself', () => {
  it('opens an existing entry under another case or normalisation, as macOS does', async () => {
    const dir = tempDir();
    const t = realFolderTarget(dir, APFS);
    await t.writeText(`Sub-01/${NFD}.json`, 'one');
    await t.writeText(`sub-01/${NFC}.JSON`, 'two');
    expect([...walk(dir)]).toEqual([[`Sub-01/${NFD}.json`, 'two']]);
    expect(await t.stat(`SUB-01/${NFC}.json`)).toEqual({ size: 3 });
  });
  it('refuses names Windows refuses', async () => {
    const t = realFolderTarget(tempDir(), NTFS);
    for (const name of ['aux.json', 'a:b', 'trailing.', 'COM1'])
      await expect(t.writeText(`sub-01/${name}`, 'x'), name).rejects.toThrow(/not allowed/);
  });
});
