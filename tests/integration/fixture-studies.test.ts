// The engine on the realistic fixture studies: what it finds must equal what the generator meant
// (each fixture file carries its role, subject and pipeline), and what it saves must be byte-identical.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import {
  BIDS_PIPELINES,
  BIDS_RECURRING_PREFIX,
  BIDS_SUBJECTS,
  BIDS_PARTICIPANTS_WITHOUT_DATA,
  bidsStudy,
  hbnSite,
  seedFiles,
  subjectDerivativeKeys,
  subjectRawKeys,
  HBN_ROOT,
  type FixtureFile,
  type HbnSiteFixture,
} from '#harness/fixtures/index.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';
import { listStudy } from '../../src/lib/s3/list-study.ts';
import { HBNSite, S3BIDSStudy } from '../../src/lib/bids/index.ts';
import { numpyShuffle, sortCodePoints } from '../../src/lib/select/index.ts';
import type { S3Client } from '@aws-sdk/client-s3';

const BUCKET = 'fixture-studies';
const P = BIDS_RECURRING_PREFIX;
let moto: Moto;
let client: S3Client;
let bids: FixtureFile[];
let hbn: HbnSiteFixture;

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  bids = await bidsStudy();
  hbn = await hbnSite('Site-SI');
  await seedFiles(moto, BUCKET, P, bids);
  await seedFiles(moto, BUCKET, hbn.prefix, hbn.files);
  client = createS3Client({ endpoint: moto.endpoint });
});
afterAll(async () => moto?.stop());

const full = (rel: string) => `${P}/${rel}`;
const bodyOf = (files: FixtureFile[], rel: string) => {
  const f = files.find((x) => x.key === rel)!;
  return typeof f.body === 'string' ? new TextEncoder().encode(f.body) : f.body;
};

describe('the BIDS fixture study', () => {
  it('has the generator’s subjects, pipelines and per-subject keys, by listing or by whole-study listing', async () => {
    const listing = await listStudy(client, BUCKET, P);
    for (const study of [
      await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: P, client, subjects: 'all' }),
      await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: P, client, subjects: 'all', listing }),
    ]) {
      expect(study.allSubjects).toEqual([...BIDS_SUBJECTS]);
      expect(study.derivativeTypes).toEqual([...BIDS_PIPELINES]);
      for (const s of study.subjects) {
        expect(s.s3Keys.raw.map((o) => o.key).sort()).toEqual(subjectRawKeys(bids, s.subjectId).map(full).sort());
        for (const p of BIDS_PIPELINES)
          expect(s.s3Keys.derivatives[p]!.map((o) => o.key).sort()).toEqual(subjectDerivativeKeys(bids, s.subjectId, p).map(full).sort());
      }
    }
  });

  it('seed 42 picks pyAFQ’s three subjects (the test vector of docs/contract.md, "Subjects")', async () => {
    const study = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: P, client, subjects: 3, randomSeed: 42 });
    expect(numpyShuffle([...BIDS_SUBJECTS], 42)).toEqual(['sub-01', 'sub-010', 'sub-05', 'sub-02', 'sub-04', 'sub-03']);
    expect(study.subjects.map((s) => s.subjectId)).toEqual(sortCodePoints(['sub-01', 'sub-010', 'sub-05']));
  });

  it('flags participants.tsv ids without data', async () => {
    const study = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: P, client, subjects: 'all', useParticipantsTsv: true });
    expect(study.subjectsWithoutData).toEqual([...BIDS_PARTICIPANTS_WITHOUT_DATA]);
  });

  it('saves every selected file byte-identical, awkward names included; a name a file system refuses is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-fixture-'));
    const study = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: P, client, subjects: ['sub-05', 'sub-01'] });
    const report = await study.download(dir, { includeDerivs: 'afq', includeModalityAgnostic: 'all' });
    // `?` is legal in a key and refused by Windows and the browser's file system API.
    expect(report.failed.map((f) => f.localPath)).toEqual(['sub-05/misc/notes #1?.txt']);
    expect(report.failed[0]!.reason).toMatch(/refuse/);
    const plan = await study.plan({ includeDerivs: 'afq', includeModalityAgnostic: 'all' });
    const expected = [
      ...subjectRawKeys(bids, 'sub-01'),
      ...subjectRawKeys(bids, 'sub-05'),
      ...subjectDerivativeKeys(bids, 'sub-01', 'afq'),
      ...subjectDerivativeKeys(bids, 'sub-05', 'afq'),
      ...subjectDerivativeKeys(bids, 'sub-01', 'afq-extra'),
      ...subjectDerivativeKeys(bids, 'sub-05', 'afq-extra'),
      ...bids.filter((f) => f.role === 'top' && !f.key.includes('/')).map((f) => f.key),
      ...bids.filter((f) => f.role === 'pipeline' && /^derivatives\/afq(-extra)?\/dataset_description\.json$/.test(f.key)).map((f) => f.key),
    ];
    expect(plan.entries.map((e) => e.localPath).sort()).toEqual([...new Set(expected)].sort());
    for (const e of plan.entries.filter((x) => !x.refused))
      expect(new Uint8Array(readFileSync(join(dir, e.localPath)))).toEqual(bodyOf(bids, e.localPath));
    expect(plan.entries.filter((x) => !x.refused).some((e) => e.localPath.includes('日本語'))).toBe(true);
  });
});

describe('the HBN fixture site', () => {
  it('has the generator’s subjects and pipelines, and saves derivatives in HBN’s layout', async () => {
    const site = await HBNSite.open({ site: 'Site-SI', bucket: BUCKET, s3Prefix: HBN_ROOT, client, subjects: 'all' });
    expect(site.allSubjects).toEqual(hbn.subjects);
    expect(site.derivativeTypes).toEqual(sortCodePoints(new Set(Object.values(hbn.pipelines).flat())));
    const dir = mkdtempSync(join(tmpdir(), 's3bids-hbn-'));
    const first = site.subjects.find((s) => (hbn.pipelines[s.subjectId] ?? []).length > 0)!;
    const report = await first.download(dir, { includeDerivs: true });
    expect(report.failed).toEqual([]);
    const expected = [...subjectRawKeys(hbn.files, first.subjectId), ...subjectDerivativeKeys(hbn.files, first.subjectId)];
    expect(report.entries.map((e) => e.localPath).sort()).toEqual(expected.sort());
    for (const rel of expected) expect(new Uint8Array(readFileSync(join(dir, rel)))).toEqual(bodyOf(hbn.files, rel));
  });
});
