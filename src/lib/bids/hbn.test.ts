// HBN sites in their own layout, opened every way the engine can: listing as pyAFQ does, from a
// whole-study listing, and from a study index already built. All three must agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { startMoto, type Moto } from '#harness/moto.ts';
import { isS3BIDSError } from '../errors/index.ts';
import { createS3Client } from '../s3/client.ts';
import { listStudy } from '../s3/list-study.ts';
import { HBNSite, HBNSubject, HBN_PREFIX } from './hbn.ts';
import { buildStudyIndex } from './study-index.ts';

const BUCKET = 'hbn-layout';
const SITE = `${HBN_PREFIX}/Site-RU`;
const KEYS = [
  'dataset_description.json',
  'sub-NDAR1/anat/sub-NDAR1_T1w.nii.gz',
  'sub-NDAR1/dwi/sub-NDAR1_dwi.nii.gz',
  'sub-NDAR12/dwi/sub-NDAR12_dwi.nii.gz',
  'derivatives/sub-NDAR1/afq/tract.trk',
  'derivatives/sub-NDAR1/loose.txt',
  'derivatives/sub-NDAR12/qsiprep/x.nii.gz',
];

let moto: Moto;
let client: S3Client;
beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (const k of KEYS) await moto.put(BUCKET, `${SITE}/${k}`, `body of ${k}`);
  client = createS3Client({ endpoint: moto.endpoint });
});
afterAll(async () => moto?.stop());

const open = (o: Partial<Parameters<typeof HBNSite.open>[0]> = {}) => HBNSite.open({ site: 'Site-RU', bucket: BUCKET, client, subjects: ['sub-NDAR1'], ...o });
const summary = async (site: HBNSite) => ({
  flavour: site.flavour,
  site: site.site,
  prefix: site.s3Prefix,
  all: site.allSubjects,
  pipelines: site.derivativeTypes,
  keys: site.subjects.map((s) => [s.subjectId, s.s3Keys.raw.map((o) => o.key), Object.entries(s.s3Keys.derivatives).map(([p, l]) => [p, l.map((o) => o.key)])]),
  plan: (await site.plan({ includeDerivs: true, includeModalityAgnostic: true })).entries.map((e) => [e.localPath, e.action, e.content ?? e.size]),
});

describe('HBNSite', () => {
  it('is an HBN study with HBN subjects, whichever way it is opened', async () => {
    const listed = await open();
    expect(listed.flavour).toBe('hbn');
    expect(listed.index.layout).toEqual({ flavour: 'hbn', site: 'Site-RU' });
    expect(listed.subjects[0]).toBeInstanceOf(HBNSubject);
    expect(listed.subjects[0]!.site).toBe('Site-RU');
    expect(String(listed)).toBe(`HBNSite(study_id=HBN, bucket=${BUCKET}, s3_prefix=${SITE})`);

    const want = await summary(listed);
    expect(want.pipelines).toEqual(['afq', 'qsiprep']);
    expect(want.keys).toEqual([
      [
        'sub-NDAR1',
        [`${SITE}/sub-NDAR1/anat/sub-NDAR1_T1w.nii.gz`, `${SITE}/sub-NDAR1/dwi/sub-NDAR1_dwi.nii.gz`],
        [
          ['afq', [`${SITE}/derivatives/sub-NDAR1/afq/tract.trk`]],
          ['qsiprep', []],
        ],
      ],
    ]);
    expect(want.plan).toEqual([
      ['dataset_description.json', 'generate', '{"Name": "HBN Study, Site-RU", "DatasetType": "raw", "Subjects": ["sub-NDAR1"], "BIDSVersion": "1.0.0"}'],
      ['derivatives/sub-NDAR1/afq/tract.trk', 'download', 'body of derivatives/sub-NDAR1/afq/tract.trk'.length],
      ['sub-NDAR1/anat/sub-NDAR1_T1w.nii.gz', 'download', 'body of sub-NDAR1/anat/sub-NDAR1_T1w.nii.gz'.length],
      ['sub-NDAR1/dwi/sub-NDAR1_dwi.nii.gz', 'download', 'body of sub-NDAR1/dwi/sub-NDAR1_dwi.nii.gz'.length],
    ]);

    const listing = await listStudy(client, BUCKET, SITE);
    expect(await summary(await open({ listing }))).toEqual(want);
    const index = buildStudyIndex(listing, { flavour: 'hbn', site: 'Site-RU' });
    const fromIndex = await open({ index });
    expect(fromIndex.index).toBe(index);
    expect(await summary(fromIndex)).toEqual(want);
  });

  it('plans a subject alone without the generated description', async () => {
    const site = await open();
    expect((await site.subjects[0]!.plan()).entries.map((e) => e.localPath)).toEqual([
      'sub-NDAR1/anat/sub-NDAR1_T1w.nii.gz',
      'sub-NDAR1/dwi/sub-NDAR1_dwi.nii.gz',
    ]);
  });

  it('refuses an index in another layout, or of another site', async () => {
    const listing = await listStudy(client, BUCKET, SITE);
    for (const layout of [{ flavour: 'bids' as const }, { flavour: 'hbn' as const, site: 'Site-SI' }]) {
      const err = await open({ index: buildStudyIndex(listing, layout) }).catch((e: unknown) => e);
      expect(isS3BIDSError(err, 'InvalidOption')).toBe(true);
    }
  });
});
