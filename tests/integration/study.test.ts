// The rules of docs/contract.md, "Semantics", each against a real S3 server (moto) holding a small study whose every key is known.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';
import { listStudy } from '../../src/lib/s3/list-study.ts';
import { HBNSite, S3BIDSStudy, lsStudy, type DownloadPlan } from '../../src/lib/bids/index.ts';
import { isS3BIDSError, type S3BIDSErrorCode } from '../../src/lib/errors/index.ts';
import { numpyShuffle, sortCodePoints } from '../../src/lib/select/index.ts';
import type { S3Client } from '@aws-sdk/client-s3';

const BUCKET = 'study-rules';
const P = 'proj/ds';
const RAW = {
  'sub-01': ['sub-01.html', 'sub-01/anat/sub-01_T1w.nii.gz', 'sub-01/dwi/sub-01_dwi.nii.gz', 'sub-01/dwi/sub-01_dwi.bval', 'sub-01/proj/ds/a.txt', 'sub-01-x/y.txt'],
  'sub-010': ['sub-010.html', 'sub-010/anat/sub-010_T1w.nii.gz'],
  'sub-02': ['sub-02/dwi/sub-02_dwi.nii.gz', 'sub-02/anat/bad:name.txt'],
} as const;
const DERIVS = {
  afq: ['derivatives/afq/sub-01/dwi/sub-01_tract.trk', 'derivatives/afq/sub-01.html', 'derivatives/afq/sub-010/dwi/sub-010_tract.trk'],
  'afq-extra': ['derivatives/afq-extra/sub-01/x.txt'],
  dmriprep: ['derivatives/dmriprep/sub-02/dwi/sub-02_desc-preproc_dwi.nii.gz'],
} as const;
const TOP = ['dataset_description.json', 'README', 'README.md', 'CHANGES', 'LICENSE', 'participants.tsv', 'code/x.py', 'derivatives/README.txt'];
const PIPELINE_DESCRIPTIONS = Object.keys(DERIVS).map((p) => `derivatives/${p}/dataset_description.json`);
const body = (rel: string) => `contents of ${rel}\n`;

const HBN_ROOT = 'data/Projects/HBN/MRI';
const HBN = [
  'participants.tsv',
  'dataset_description.json',
  'sub-NDARAA111/anat/sub-NDARAA111_T1w.nii.gz',
  'sub-NDARAA111/dwi/sub-NDARAA111_dwi.nii.gz',
  'sub-NDARAA1112/dwi/sub-NDARAA1112_dwi.nii.gz',
  'sub-NDARBB222/dwi/sub-NDARBB222_dwi.nii.gz',
  'derivatives/sub-NDARAA111/dmriprep/sub-NDARAA111_desc-preproc_dwi.nii.gz',
  'derivatives/sub-NDARAA111/afq/tract.trk',
  'derivatives/sub-NDARAA111/loose.txt',
  'derivatives/sub-NDARAA1112/afq/tract.trk',
  'derivatives/sub-NDARBB222/qsiprep/x.nii.gz',
];

let moto: Moto;
let client: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  const all = [...Object.values(RAW).flat(), ...Object.values(DERIVS).flat(), ...TOP, ...PIPELINE_DESCRIPTIONS];
  const puts = all.map((rel) => moto.put(BUCKET, `${P}/${rel}`, rel === 'participants.tsv' ? 'participant_id\tage\n01\t10\nsub-010\t11\nsub-02\tn/a\nsub-03\t12\n' : body(rel)));
  puts.push(moto.put(BUCKET, 'proj/only-description/dataset_description.json', '{"Name": "x"}'));
  puts.push(moto.put(BUCKET, 'proj/not-bids/notes.txt', 'x'));
  puts.push(moto.put(BUCKET, 'proj/no-tsv/sub-01/a.txt', 'x'));
  // Zero-byte "folder" objects, as S3 consoles create them.
  for (const k of ['sub-01/', 'sub-01/anat/', 'derivatives/', 'derivatives/afq/', 'derivatives/afq/sub-01/']) puts.push(moto.put(BUCKET, `proj/markers/${k}`, ''));
  for (const k of ['dataset_description.json', 'sub-01/anat/sub-01_T1w.nii.gz', 'derivatives/afq/sub-01/t.trk']) puts.push(moto.put(BUCKET, `proj/markers/${k}`, body(k)));
  for (const rel of HBN) puts.push(moto.put(BUCKET, `${HBN_ROOT}/Site-SI/${rel}`, rel === 'participants.tsv' ? 'participant_id\tAge\nNDARAA111\t9\nNDARBB222\t10\n' : body(rel)));
  await Promise.all(puts);
  client = createS3Client({ endpoint: moto.endpoint });
});
afterAll(async () => moto?.stop());

const open = (o: Partial<Parameters<typeof S3BIDSStudy.open>[0]> = {}) =>
  S3BIDSStudy.open({ studyId: 'ds', bucket: BUCKET, s3Prefix: P, client, subjects: 'all', ...o });
const paths = (plan: DownloadPlan) => plan.entries.map((e) => e.localPath);
const rejectsWith = async (p: Promise<unknown>, code: S3BIDSErrorCode) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isS3BIDSError(e, code), `expected ${code}, got ${String(e)}`).toBe(true);
};

describe('subjects', () => {
  it('finds subjects from the one-level listing, deduplicated and sorted', async () => {
    const s = await open();
    expect(s.allSubjects).toEqual(['sub-01', 'sub-010', 'sub-02']);
    expect(s.subjects.map((x) => x.subjectId)).toEqual(['sub-01', 'sub-010', 'sub-02']);
    expect(s.derivativeTypes).toEqual(['afq', 'afq-extra', 'dmriprep']);
  });

  it('lsStudy splits subject entries from the rest (pyAFQ _ls_s3fs)', async () => {
    const ls = await lsStudy(client, BUCKET, `/${P}/`);
    expect(ls.subjects.sort()).toEqual([`${P}/sub-01`, `${P}/sub-01-x`, `${P}/sub-01.html`, `${P}/sub-010`, `${P}/sub-010.html`, `${P}/sub-02`].sort());
    expect(ls.other.sort()).toEqual(
      ['CHANGES', 'LICENSE', 'README', 'README.md', 'code', 'dataset_description.json', 'derivatives', 'participants.tsv'].map((n) => `${P}/${n}`).sort(),
    );
  });

  it('bug 3: leading, trailing and doubled slashes around the prefix keep every subject file', async () => {
    const plain = await open();
    for (const variant of [`/${P}/`, `${P}/`, `/${P}`, `//${P}//`]) {
      const s = await open({ s3Prefix: variant });
      expect(s.s3Prefix).toBe(P);
      expect(s.subjects.map((x) => x.s3Keys.raw.length)).toEqual(plain.subjects.map((x) => x.s3Keys.raw.length));
      expect(paths(await s.plan({ includeDerivs: true }))).toEqual(paths(await plain.plan({ includeDerivs: true })));
    }
  });

  it('chooses n subjects from numpy’s shuffle with the seed, and records the seed', async () => {
    const s = await open({ subjects: 2, randomSeed: 42 });
    const expected = sortCodePoints(numpyShuffle(['sub-01', 'sub-010', 'sub-02'], 42).slice(0, 2));
    expect(s.subjects.map((x) => x.subjectId)).toEqual(expected);
    expect(s.randomSeed).toBe(42);
    const drawn = await open({ subjects: 1 });
    expect(Number.isInteger(drawn.randomSeed)).toBe(true);
    const again = await open({ subjects: 1, randomSeed: drawn.randomSeed });
    expect(again.subjects.map((x) => x.subjectId)).toEqual(drawn.subjects.map((x) => x.subjectId));
  });

  it('chooses by position, id and all; one random subject by default', async () => {
    const shuffled = numpyShuffle(['sub-01', 'sub-010', 'sub-02'], 7);
    expect((await open({ subjects: [0, -1], randomSeed: 7 })).subjects.map((x) => x.subjectId)).toEqual(sortCodePoints([shuffled[0]!, shuffled[2]!]));
    expect((await open({ subjects: ['sub-02', 'sub-01', 'sub-02'] })).subjects.map((x) => x.subjectId)).toEqual(['sub-01', 'sub-02']);
    expect((await open({ subjects: 'sub-010' })).subjects.map((x) => x.subjectId)).toEqual(['sub-010']);
    expect((await open({ subjects: undefined })).subjects).toHaveLength(1);
  });

  it('names bad selections', async () => {
    await rejectsWith(open({ subjects: ['sub-07'] }), 'UnknownSubject');
    await rejectsWith(open({ subjects: 0 }), 'InvalidSubjects');
    await rejectsWith(open({ subjects: -2 }), 'InvalidSubjects');
    await rejectsWith(open({ subjects: [] }), 'InvalidSubjects');
    await rejectsWith(open({ subjects: [3] }), 'InvalidSubjects');
  });

  it('opens a study with a description and no subjects with none; choosing from it is NoSubjects', async () => {
    const s = await open({ s3Prefix: 'proj/only-description', subjects: undefined });
    expect(s.subjects).toEqual([]);
    expect((await s.plan()).entries.map((e) => e.localPath)).toEqual(['dataset_description.json']);
    await rejectsWith(open({ s3Prefix: 'proj/only-description', subjects: 'all' }), 'NoSubjects');
  });

  it('refuses a prefix that is not a study, an empty one, a missing bucket and a bad bucket name', async () => {
    await rejectsWith(open({ s3Prefix: 'proj/not-bids' }), 'NotBIDS');
    await rejectsWith(open({ s3Prefix: 'proj/nothing-here' }), 'NotBIDS');
    await rejectsWith(open({ bucket: 'no-such-bucket-anywhere' }), 'NoSuchBucket');
    await rejectsWith(open({ bucket: 'Bad..Bucket' }), 'InvalidBucketName');
  });

  it('bug 4: useParticipantsTsv reads the tab-separated file, adds sub- and flags ids without data', async () => {
    const s = await open({ useParticipantsTsv: true });
    expect(s.allSubjects).toEqual(['sub-01', 'sub-010', 'sub-02', 'sub-03']);
    expect(s.subjectsWithoutData).toEqual(['sub-03']);
    expect(s.subjects.find((x) => x.subjectId === 'sub-03')?.hasData).toBe(false);
    expect(s.subjects.find((x) => x.subjectId === 'sub-01')?.hasData).toBe(true);
    await rejectsWith(open({ s3Prefix: 'proj/no-tsv', useParticipantsTsv: true }), 'NoParticipantsTsv');
  });
});

describe('keys of a subject', () => {
  it('bug 2: sub-01 never takes sub-010’s files; sub-01.html and sub-01-x/ are sub-01’s', async () => {
    const s = await open();
    const keysOf = (id: string) => s.subjects.find((x) => x.subjectId === id)!.s3Keys;
    expect(keysOf('sub-01').raw.map((o) => o.key).sort()).toEqual(RAW['sub-01'].map((k) => `${P}/${k}`).sort());
    expect(keysOf('sub-010').raw.map((o) => o.key).sort()).toEqual(RAW['sub-010'].map((k) => `${P}/${k}`).sort());
    expect(keysOf('sub-01').derivatives.afq!.map((o) => o.key).sort()).toEqual(
      ['derivatives/afq/sub-01.html', 'derivatives/afq/sub-01/dwi/sub-01_tract.trk'].map((k) => `${P}/${k}`),
    );
    expect(keysOf('sub-010').derivatives.afq!.map((o) => o.key)).toEqual([`${P}/derivatives/afq/sub-010/dwi/sub-010_tract.trk`]);
    expect(keysOf('sub-02').derivatives['afq-extra']).toEqual([]);
  });

  it('lists the same keys from a whole-study listing as from per-subject listings', async () => {
    const listing = await listStudy(client, BUCKET, P);
    const fromListing = await open({ listing, subjects: 'all' });
    const listed = await open();
    expect(fromListing.derivativeTypes).toEqual(listed.derivativeTypes);
    for (const [i, s] of listed.subjects.entries()) expect(fromListing.subjects[i]!.s3Keys).toEqual(s.s3Keys);
    expect(fromListing.pipelineFiles.map((o) => o.key).sort()).toEqual(listed.pipelineFiles.map((o) => o.key).sort());
  });

  it('files directly in derivatives/ are not pipelines', async () => {
    const s = await open();
    expect(s.derivativeTypes).not.toContain('README.txt');
    expect(s.nonSubS3Keys.raw).toContain(`${P}/code/`);
    expect(s.nonSubS3Keys.raw).not.toContain(`${P}/derivatives/`);
    expect(s.nonSubS3Keys.derivatives.sort()).toEqual(PIPELINE_DESCRIPTIONS.map((k) => `${P}/${k}`).sort());
  });
});

describe('filters and local layout', () => {
  it('defaults: raw files and dataset_description.json, no derivatives; layout strips the prefix at the start only (bug 6)', async () => {
    const s = await open({ subjects: ['sub-01'] });
    const plan = await s.plan();
    expect(paths(plan)).toEqual(sortCodePoints(['dataset_description.json', ...RAW['sub-01']]));
    expect(plan.entries.find((e) => e.localPath === 'sub-01/proj/ds/a.txt')?.key).toBe(`${P}/sub-01/proj/ds/a.txt`);
    expect(plan.entries.every((e) => e.action === 'download')).toBe(true);
  });

  it('bug 1: includeDerivs as a string includes pipelines whose names contain it', async () => {
    const s = await open({ subjects: ['sub-01'] });
    const plan = await s.plan({ includeDerivs: 'afq', includeModalityAgnostic: false });
    expect(paths(plan)).toEqual(
      sortCodePoints([
        ...RAW['sub-01'],
        'derivatives/afq/dataset_description.json',
        'derivatives/afq/sub-01.html',
        'derivatives/afq/sub-01/dwi/sub-01_tract.trk',
        'derivatives/afq-extra/dataset_description.json',
        'derivatives/afq-extra/sub-01/x.txt',
      ]),
    );
    const dm = await s.plan({ includeDerivs: 'dm', includeModalityAgnostic: false, includeDerivsDatasetDescription: false });
    expect(paths(dm)).toEqual(sortCodePoints([...RAW['sub-01']]));
  });

  it('suffix applies to subject raw and derivative keys only', async () => {
    const s = await open();
    const plan = await s.plan({ suffix: '.nii.gz', includeDerivs: true, includeModalityAgnostic: ['README'] });
    expect(paths(plan)).toEqual(
      sortCodePoints([
        'README',
        'README.md',
        ...PIPELINE_DESCRIPTIONS,
        'sub-01/anat/sub-01_T1w.nii.gz',
        'sub-01/dwi/sub-01_dwi.nii.gz',
        'sub-010/anat/sub-010_T1w.nii.gz',
        'sub-02/dwi/sub-02_dwi.nii.gz',
        'derivatives/dmriprep/sub-02/dwi/sub-02_desc-preproc_dwi.nii.gz',
      ]),
    );
  });

  it('globs include and exclude paths relative to the study', async () => {
    const s = await open();
    const plan = await s.plan({ include: ['sub-*/dwi/**'], exclude: ['*.bval'], includeModalityAgnostic: false });
    expect(paths(plan)).toEqual(['sub-01/dwi/sub-01_dwi.nii.gz', 'sub-02/dwi/sub-02_dwi.nii.gz']);
  });

  it('includeModalityAgnostic: all top-level files, never folders or derivatives', async () => {
    const s = await open({ subjects: ['sub-010'] });
    const plan = await s.plan({ includeModalityAgnostic: 'all' });
    expect(paths(plan)).toEqual(
      sortCodePoints(['CHANGES', 'LICENSE', 'README', 'README.md', 'dataset_description.json', 'participants.tsv', ...RAW['sub-010']]),
    );
    await rejectsWith(s.plan({ includeModalityAgnostic: ['participants.tsv'] }), 'InvalidOption');
  });

  it('a key that would be unsafe locally is reported as refused, never given a path outside the folder', async () => {
    const s = await open({ subjects: ['sub-02'] });
    const bad = (await s.plan()).entries.find((e) => e.key === `${P}/sub-02/anat/bad:name.txt`);
    expect(bad?.refused).toMatch(/refuse/);
  });

  it('zero-byte folder markers (keys ending in /) are not planned as files', async () => {
    const s = await open({ s3Prefix: 'proj/markers' });
    expect(s.derivativeTypes).toEqual(['afq']);
    expect(paths(await s.plan({ includeDerivs: true }))).toEqual(
      sortCodePoints(['dataset_description.json', 'sub-01/anat/sub-01_T1w.nii.gz', 'derivatives/afq/sub-01/t.trk']),
    );
  });

  it('a subject plan holds only that subject’s files (pyAFQ S3BIDSSubject.download)', async () => {
    const s = await open();
    const sub = s.subjects.find((x) => x.subjectId === 'sub-010')!;
    expect(paths(await sub.plan({ includeDerivs: true }))).toEqual(
      sortCodePoints([...RAW['sub-010'], 'derivatives/afq/sub-010/dwi/sub-010_tract.trk']),
    );
  });
});

describe('HBN sites', () => {
  const openSite = (o: Partial<Parameters<typeof HBNSite.open>[0]> = {}) =>
    HBNSite.open({ site: 'Site-SI', bucket: BUCKET, client, subjects: 'all', ...o });

  it('finds subjects and pipelines in HBN’s layout; loose files are not pipelines', async () => {
    const site = await openSite();
    expect(site.s3Prefix).toBe(`${HBN_ROOT}/Site-SI`);
    expect(site.studyId).toBe('HBN');
    expect(site.allSubjects).toEqual(['sub-NDARAA111', 'sub-NDARAA1112', 'sub-NDARBB222']);
    expect(site.derivativeTypes).toEqual(['afq', 'dmriprep', 'qsiprep']);
    const a = site.subjects[0]!;
    expect(a.site).toBe('Site-SI');
    expect(a.s3Keys.derivatives.afq!.map((o) => o.key)).toEqual([`${HBN_ROOT}/Site-SI/derivatives/sub-NDARAA111/afq/tract.trk`]);
    expect(Object.values(a.s3Keys.derivatives).flat().some((o) => o.key.endsWith('loose.txt'))).toBe(false);
  });

  it('bug 5: plans derivatives at derivatives/<subject>/<pipeline>/ and writes its own dataset_description.json', async () => {
    const site = await openSite({ subjects: ['sub-NDARAA111', 'sub-NDARBB222'] });
    const plan = await site.plan({ includeDerivs: 'afq', includeModalityAgnostic: true });
    expect(paths(plan)).toEqual(
      sortCodePoints([
        'dataset_description.json',
        'participants.tsv',
        'sub-NDARAA111/anat/sub-NDARAA111_T1w.nii.gz',
        'sub-NDARAA111/dwi/sub-NDARAA111_dwi.nii.gz',
        'sub-NDARBB222/dwi/sub-NDARBB222_dwi.nii.gz',
        'derivatives/sub-NDARAA111/afq/tract.trk',
      ]),
    );
    const desc = plan.entries.find((e) => e.localPath === 'dataset_description.json')!;
    expect(desc.action).toBe('generate');
    expect(desc.key).toBeUndefined();
    expect(desc.content).toBe('{"Name": "HBN Study, Site-SI", "DatasetType": "raw", "Subjects": ["sub-NDARAA111", "sub-NDARBB222"], "BIDSVersion": "1.0.0"}');
    expect(JSON.parse(desc.content!).Subjects).toEqual(['sub-NDARAA111', 'sub-NDARBB222']);
  });

  it('defaults to no top-level files from S3, and refuses unknown sites', async () => {
    const site = await openSite({ subjects: ['sub-NDARBB222'] });
    expect(paths(await site.plan())).toEqual(['dataset_description.json', 'sub-NDARBB222/dwi/sub-NDARBB222_dwi.nii.gz']);
    await rejectsWith(openSite({ site: 'Site-XX' }), 'InvalidOption');
  });

  it('reads participants.tsv ids at the site', async () => {
    const site = await openSite({ useParticipantsTsv: true });
    expect(site.allSubjects).toEqual(['sub-NDARAA111', 'sub-NDARBB222']);
  });
});
