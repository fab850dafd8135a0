// The top level and the chosen subjects' keys, listed as pyAFQ lists them, against moto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { isS3BIDSError } from '../errors/index.ts';
import { createS3Client } from './client.ts';
import { compareKeys } from './list-study.ts';
import { listSubjects } from './list-subjects.ts';
import { listTopLevel, lsStudy } from './top-level.ts';

const BUCKET = 'list-subjects';
const BIDS = [
  'ds/README',
  'ds/dataset_description.json',
  'ds/sub-01.html',
  'ds/sub-01/anat/sub-01_T1w.nii.gz',
  'ds/sub-010/anat/sub-010_T1w.nii.gz',
  'ds/sub-02/dwi/sub-02_dwi.nii.gz',
  'ds/code/run.py',
  'ds/derivatives/README.txt',
  'ds/derivatives/afq/dataset_description.json',
  'ds/derivatives/afq/sub-01.html',
  'ds/derivatives/afq/sub-01/x.trk',
  'ds/derivatives/afq/sub-010/y.trk',
  'ds/derivatives/dm/sub-02/z.nii.gz',
];
const HBN = [
  'hbn/Site-X/participants.tsv',
  'hbn/Site-X/sub-A/anat/sub-A_T1w.nii.gz',
  'hbn/Site-X/sub-AB/anat/sub-AB_T1w.nii.gz',
  'hbn/Site-X/derivatives/sub-A/dmriprep/x.nii.gz',
  'hbn/Site-X/derivatives/sub-A/loose.txt',
  'hbn/Site-X/derivatives/sub-AB/dmriprep/z.nii.gz',
  'hbn/Site-X/derivatives/sub-B/qsiprep/y.nii.gz',
];

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (const k of [...BIDS, ...HBN, 'flat/sub-01/a.txt']) await moto.put(BUCKET, k, `body of ${k}`);
});
afterAll(async () => moto?.stop());

const anon = () => createS3Client({ endpoint: moto.endpoint });
const keysOf = (l: { key: string }[]) => l.map((o) => o.key).sort(compareKeys);

describe('the top level of a study', () => {
  it('splits subjects (folders and files alike) from the rest', async () => {
    const top = await listTopLevel(anon(), BUCKET, 'ds');
    expect(top.subjects).toEqual(['sub-01', 'sub-010', 'sub-02']);
    expect(top.other.sort()).toEqual(['README', 'code/', 'dataset_description.json', 'derivatives/']);
    expect(keysOf(top.files)).toEqual(['ds/README', 'ds/dataset_description.json']);
  });

  it('answers pyAFQ’s _ls_s3fs with full keys, folders without their slash, whatever the prefix’s slashes', async () => {
    const ls = await lsStudy(anon(), BUCKET, '/ds/');
    expect(ls.subjects.sort()).toEqual(['ds/sub-01', 'ds/sub-01.html', 'ds/sub-010', 'ds/sub-02']);
    expect(ls.other.sort()).toEqual(['ds/README', 'ds/code', 'ds/dataset_description.json', 'ds/derivatives']);
  });
});

describe('listing only the chosen subjects', () => {
  it('BIDS: lists every pipeline, each pipeline’s own files, and the subjects’ keys by prefix', async () => {
    const c = anon();
    const top = await listTopLevel(c, BUCKET, 'ds');
    const got = await listSubjects(c, BUCKET, 'ds', 'bids', top, ['sub-01'], { concurrency: 2 });
    expect(got.pipelines).toEqual(['afq', 'dm']);
    expect(keysOf(got.pipelineFiles)).toEqual(['ds/derivatives/afq/dataset_description.json']);
    // Listed by prefix: sub-010's keys come too; the study index gives each key to its own subject.
    expect(keysOf(got.keys)).toEqual([
      'ds/derivatives/afq/sub-01.html',
      'ds/derivatives/afq/sub-01/x.trk',
      'ds/derivatives/afq/sub-010/y.trk',
      'ds/sub-01.html',
      'ds/sub-01/anat/sub-01_T1w.nii.gz',
      'ds/sub-010/anat/sub-010_T1w.nii.gz',
    ]);
  });

  it('HBN: pipelines are the folders in every subject’s derivatives folder; another subject’s derivatives stay out', async () => {
    const c = anon();
    const top = await listTopLevel(c, BUCKET, 'hbn/Site-X');
    const got = await listSubjects(c, BUCKET, 'hbn/Site-X', 'hbn', top, ['sub-A']);
    expect(got.pipelines).toEqual(['dmriprep', 'qsiprep']);
    expect(got.pipelineFiles).toEqual([]);
    expect(keysOf(got.keys)).toEqual([
      'hbn/Site-X/derivatives/sub-A/dmriprep/x.nii.gz',
      'hbn/Site-X/derivatives/sub-A/loose.txt',
      'hbn/Site-X/sub-A/anat/sub-A_T1w.nii.gz',
      'hbn/Site-X/sub-AB/anat/sub-AB_T1w.nii.gz',
    ]);
  });

  it('has no pipelines without a derivatives folder', async () => {
    const c = anon();
    const top = await listTopLevel(c, BUCKET, 'flat');
    const got = await listSubjects(c, BUCKET, 'flat', 'bids', top, ['sub-01']);
    expect(got).toEqual({ pipelines: [], pipelineFiles: [], keys: [expect.objectContaining({ key: 'flat/sub-01/a.txt' })] });
  });

  it('stops with Aborted when cancelled', async () => {
    const c = anon();
    const top = await listTopLevel(c, BUCKET, 'ds');
    const ac = new AbortController();
    ac.abort();
    const err = await listSubjects(c, BUCKET, 'ds', 'bids', top, ['sub-01', 'sub-02'], { signal: ac.signal }).catch((e: unknown) => e);
    expect(isS3BIDSError(err, 'Aborted')).toBe(true);
  });
});
