// Study and subject downloads end to end in Node: the planner, the saver and moto together.
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';
import { HBNSite, S3BIDSStudy } from '../../src/lib/bids/index.ts';
import type { S3Client } from '@aws-sdk/client-s3';

const BUCKET = 'study-download';
const P = 'lab/ds';
const FILES: Record<string, string> = {
  'dataset_description.json': '{"Name": "ds", "BIDSVersion": "1.8.0"}',
  'README': 'readme',
  'sub-01/anat/sub-01_T1w.nii.gz': 'x'.repeat(70_000),
  'sub-01/dwi/sub-01_dwi.bval': '0 1000 1000',
  'sub-010/anat/sub-010_T1w.nii.gz': 'y'.repeat(1000),
  'derivatives/afq/dataset_description.json': '{"Name": "afq"}',
  'derivatives/afq/sub-01/sub-01_tract.trk': 'tract',
};
const HBN_ROOT = 'hbn/MRI';
const HBN: Record<string, string> = {
  'dataset_description.json': '{"Name": "copy on S3"}',
  'sub-NDARAA111/dwi/a.nii.gz': 'hbn-a',
  'derivatives/sub-NDARAA111/afq/tract.trk': 'hbn-tract',
  'derivatives/sub-NDARAA111/loose.txt': 'loose',
};

let moto: Moto;
let client: S3Client;
beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  await Promise.all([
    ...Object.entries(FILES).map(([k, v]) => moto.put(BUCKET, `${P}/${k}`, v)),
    ...Object.entries(HBN).map(([k, v]) => moto.put(BUCKET, `${HBN_ROOT}/Site-RU/${k}`, v)),
  ]);
  client = createS3Client({ endpoint: moto.endpoint });
});
afterAll(async () => moto?.stop());

/** Every file under `dir` (but the app's own .s3bids/), relative, `/`-separated. */
function filesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (relative(dir, p) !== '.s3bids') walk(p);
      } else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

describe('S3BIDSStudy.download into a Node folder', () => {
  it('writes exactly the planned files with the source bytes, then skips them all on a second run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-dl-'));
    const study = await S3BIDSStudy.open({ studyId: 'ds', bucket: BUCKET, s3Prefix: P, client, subjects: ['sub-01'] });
    const plan = await study.plan({ includeDerivs: true });
    const report = await study.download(dir, { includeDerivs: true });
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toBe(plan.entries.length);
    expect(filesIn(dir)).toEqual(plan.entries.map((e) => e.localPath).sort());
    for (const e of plan.entries) expect(readFileSync(join(dir, e.localPath), 'utf8')).toBe(FILES[e.localPath]);
    expect(existsSync(join(dir, 'sub-010'))).toBe(false);
    expect(study.localDirectories).toEqual([dir]);
    expect(study.subjects[0]!.files?.[`${P}/sub-01/dwi/sub-01_dwi.bval`]).toBe('sub-01/dwi/sub-01_dwi.bval');

    const onDisk = await study.plan({ includeDerivs: true }, dir);
    expect(onDisk.entries.map((e) => e.action)).toEqual(plan.entries.map(() => 'skip'));
    const again = await study.download(dir, { includeDerivs: true });
    expect(again.downloaded).toBe(0);
    expect(again.skipped).toBe(plan.entries.length);
  });

  it('bug 8: a truncated local file is fetched again; overwrite replaces complete ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-dl-'));
    const study = await S3BIDSStudy.open({ studyId: 'ds', bucket: BUCKET, s3Prefix: P, client, subjects: ['sub-01'] });
    await study.download(dir);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'sub-01/anat/sub-01_T1w.nii.gz'), 'x'.repeat(10)); // truncated, as an interrupted copy leaves it
    const plan = await study.plan({}, dir);
    expect(plan.entries.find((e) => e.localPath === 'sub-01/anat/sub-01_T1w.nii.gz')?.action).toBe('overwrite');
    expect(plan.entries.find((e) => e.localPath === 'sub-01/dwi/sub-01_dwi.bval')?.action).toBe('skip');
    const r = await study.download(dir);
    expect(r.downloaded).toBe(1);
    expect(readFileSync(join(dir, 'sub-01/anat/sub-01_T1w.nii.gz'), 'utf8')).toBe(FILES['sub-01/anat/sub-01_T1w.nii.gz']);
    const forced = await study.plan({ overwrite: true }, dir);
    expect(new Set(forced.entries.map((e) => e.action))).toEqual(new Set(['overwrite']));
  });

  it('a subject download writes only that subject’s files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-dl-'));
    const study = await S3BIDSStudy.open({ studyId: 'ds', bucket: BUCKET, s3Prefix: P, client, subjects: 'all' });
    const sub = study.subjects.find((s) => s.subjectId === 'sub-010')!;
    const r = await sub.download(dir, { includeDerivs: true });
    expect(r.failed).toEqual([]);
    expect(filesIn(dir)).toEqual(['sub-010/anat/sub-010_T1w.nii.gz']);
  });

  it('bug 5: an HBN site downloads derivatives and writes its own dataset_description.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-dl-'));
    const site = await HBNSite.open({ site: 'Site-RU', bucket: BUCKET, s3Prefix: HBN_ROOT, client, subjects: 'all' });
    const r = await site.download(dir, { includeDerivs: true, includeModalityAgnostic: true });
    expect(r.failed).toEqual([]);
    expect(filesIn(dir)).toEqual(['dataset_description.json', 'derivatives/sub-NDARAA111/afq/tract.trk', 'sub-NDARAA111/dwi/a.nii.gz']);
    expect(JSON.parse(readFileSync(join(dir, 'dataset_description.json'), 'utf8'))).toEqual({
      Name: 'HBN Study, Site-RU',
      DatasetType: 'raw',
      Subjects: ['sub-NDARAA111'],
      BIDSVersion: '1.0.0',
    });
    expect(readFileSync(join(dir, 'derivatives/sub-NDARAA111/afq/tract.trk'), 'utf8')).toBe('hbn-tract');
  });

  it('keeps a manifest without credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-dl-'));
    const signed = createS3Client({ endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIASECRETKEYID', secretAccessKey: 'very-secret-value' } });
    const study = await S3BIDSStudy.open({ studyId: 'ds', bucket: BUCKET, s3Prefix: P, client: signed, subjects: ['sub-01'], randomSeed: 5 });
    const r = await study.download(dir);
    expect(r.failed).toEqual([]);
    const manifest = readFileSync(join(dir, '.s3bids/manifest.json'), 'utf8');
    expect(JSON.parse(manifest).study).toMatchObject({ bucket: BUCKET, prefix: P, seed: 5, selection: ['sub-01'] });
    expect(manifest).not.toContain('AKIASECRETKEYID');
    expect(manifest).not.toContain('very-secret-value');
  });
});
