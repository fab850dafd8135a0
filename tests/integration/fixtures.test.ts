// Seeds every fixture study into a real moto and checks, with the engine's own listing, that what
// landed on S3 is exactly what the generators describe; every NIfTI parses with nifti-reader-js.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as nifti from 'nifti-reader-js';
import { md5 } from 'hash-wasm';
import { startMoto, type Moto } from '#harness/moto.ts';
import {
  bidsStudy,
  bidsInheritance,
  bodyBytes,
  fileSize,
  hbnSite,
  joinKey,
  largeStudy,
  largeStudyKeyCount,
  demoStudy,
  seedFiles,
  sortedCodePoint,
  topLevelKeys,
  BIDS_AWKWARD_KEYS,
  BIDS_PARTICIPANTS,
  BIDS_PARTICIPANT_IDS,
  BIDS_PIPELINES,
  BIDS_PLAN,
  BIDS_RECURRING_PREFIX,
  BIDS_SESSIONS,
  BIDS_SUBJECTS,
  BIDS_TOP_LEVEL_FILES,
  BIDS_ZERO_BYTE_KEY,
  DEMO_BUCKET,
  DEMO_PARTICIPANT_IDS,
  DEMO_PREFIX,
  DEMO_SUBJECTS,
  HBN_BUCKET,
  HBN_PIPELINES,
  OPENNEURO_ACCESSION,
  OPENNEURO_BUCKET,
  emptyBidsStudy,
  notBidsFiles,
  type FixtureFile,
} from '#harness/fixtures/index.ts';
import { buildBidsStudy } from '#harness/fixtures/bids-builder.ts';
import { createS3Client, getObjectBytes, listAll } from '../../src/lib/s3/index.ts';

let moto: Moto;
const anon = () => createS3Client({ endpoint: moto.endpoint, forcePathStyle: true });

beforeAll(async () => {
  moto = await startMoto();
  for (const b of ['fixtures', HBN_BUCKET, DEMO_BUCKET]) await moto.createBucket(b);
});
afterAll(async () => moto?.stop());

function parseNifti(bytes: Uint8Array) {
  let buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  if (nifti.isCompressed(buf)) buf = nifti.decompress(buf) as ArrayBuffer;
  expect(nifti.isNIFTI(buf)).toBe(true);
  const header = nifti.readHeader(buf);
  const voxels = header.dims.slice(1, header.dims[0]! + 1).reduce((a, b) => a * b, 1);
  expect(nifti.readImage(header, buf).byteLength).toBe((voxels * header.numBitsPerVoxel) / 8);
  return header;
}

/** Seeds, lists anonymously and checks every key, size and MD5 ETag; then parses every NIfTI over GET. */
async function seedAndVerify(bucket: string, prefix: string, files: readonly FixtureFile[]) {
  expect(new Set(files.map((f) => f.key)).size).toBe(files.length);
  const seeded = await seedFiles(moto, bucket, prefix, files, { concurrency: 8 });
  const listed = await listAll(anon(), bucket, prefix ? `${prefix}/` : '');
  const byKey = new Map(listed.map((o) => [o.key, o]));
  expect(sortedCodePoint(byKey.keys())).toEqual(sortedCodePoint(seeded.map((s) => s.key)));
  for (const f of files) {
    const o = byKey.get(joinKey(prefix, f.key))!;
    expect(o.size, f.key).toBe(fileSize(f));
    expect(o.etag, f.key).toBe(await md5(bodyBytes(f.body)));
  }
  const headers = [];
  for (const f of files.filter((f) => /\.nii(\.gz)?$/.test(f.key))) {
    headers.push({ key: f.key, header: parseNifti(await getObjectBytes(anon(), bucket, joinKey(prefix, f.key))) });
  }
  return headers;
}

describe('BIDS study', () => {
  it('seeds under a prefix whose text recurs in keys, and every object and NIfTI checks out', async () => {
    const files = await bidsStudy();
    expect(files.some((f) => f.key.includes(BIDS_RECURRING_PREFIX))).toBe(true);
    const headers = await seedAndVerify('fixtures', BIDS_RECURRING_PREFIX, files);
    expect(headers.length).toBeGreaterThan(15);
    const versions = new Set(headers.map((h) => (h.header instanceof nifti.NIFTI2 ? 2 : 1)));
    expect(versions).toEqual(new Set([1, 2]));
    expect(headers.some((h) => h.key.endsWith('.nii'))).toBe(true);
    const bold = headers.find((h) => h.key === 'sub-01/ses-1/func/sub-01_ses-1_task-rest_bold.nii.gz')!.header;
    expect(bold.dims.slice(0, 5)).toEqual([4, ...BIDS_PLAN.volumes.bold.dims]);
  });

  it('has exactly the exported subjects, sessions, pipelines and top-level files', async () => {
    const files = await bidsStudy();
    const subjects = sortedCodePoint(new Set(files.filter((f) => f.role === 'subject').map((f) => f.subject!)));
    expect(subjects).toEqual([...BIDS_SUBJECTS]);
    for (const s of BIDS_SUBJECTS) {
      const sessions = new Set(files.filter((f) => f.subject === s && f.role === 'subject').map((f) => /\/(ses-[^/]+)\//.exec(f.key)?.[1]).filter(Boolean));
      expect(sortedCodePoint(sessions as Set<string>), s).toEqual([...BIDS_SESSIONS[s]!]);
    }
    // Every subject key starts with its own folder or `<subject>.` (never another subject's folder).
    for (const f of files.filter((f) => f.role === 'subject')) expect(f.key.startsWith(`${f.subject}/`) || f.key.startsWith(`${f.subject}.`), f.key).toBe(true);
    const pipelines = sortedCodePoint(new Set(files.filter((f) => f.pipeline).map((f) => f.pipeline!)));
    expect(pipelines).toEqual([...BIDS_PIPELINES]);
    for (const f of files.filter((f) => f.role === 'derivative')) expect(f.key.startsWith(`derivatives/${f.pipeline}/${f.subject}`), f.key).toBe(true);
    for (const p of BIDS_PIPELINES) {
      const dd = files.find((f) => f.key === `derivatives/${p}/dataset_description.json`)!;
      expect(JSON.parse(dd.body as string).GeneratedBy[0].Name).toBeTruthy();
    }
    expect(topLevelKeys(files)).toEqual([...BIDS_TOP_LEVEL_FILES]);
    expect(files.every((f) => (f.role === 'top') === (!f.key.includes('/') && !f.subject))).toBe(true);
    expect(fileSize(files.find((f) => f.key === BIDS_ZERO_BYTE_KEY)!)).toBe(0);
    for (const k of BIDS_AWKWARD_KEYS) expect(files.some((f) => f.key === k)).toBe(true);
  });

  it('participants.tsv is tab-separated, lists sub-99 without data, and matches BIDS_PARTICIPANTS', async () => {
    const files = await bidsStudy();
    const text = files.find((f) => f.key === 'participants.tsv')!.body as string;
    const [head, ...rows] = text.trimEnd().split('\n').map((l) => l.split('\t'));
    const parsed = rows.map((r) => Object.fromEntries(head!.map((c, i) => [c, r[i]!])));
    expect(parsed).toEqual(BIDS_PARTICIPANTS);
    expect(parsed.map((r) => r.participant_id)).toEqual([...BIDS_PARTICIPANT_IDS]);
    expect(text).toContain('n/a');
    expect(BIDS_SUBJECTS).not.toContain('sub-99');
  });

  it('inheritance chains name existing sidecars and merge them lower-level-wins', async () => {
    const files = await bidsStudy();
    const chains = await bidsInheritance();
    const byKey = new Map(files.map((f) => [f.key, f]));
    expect(chains.some((c) => c.sidecars.length === 4)).toBe(true); // top, subject, session, data
    for (const c of chains) {
      expect(byKey.has(c.data), c.data).toBe(true);
      const merged = Object.assign({}, ...c.sidecars.map((k) => JSON.parse(byKey.get(k)!.body as string)));
      expect(merged, c.data).toEqual(c.merged);
    }
  });

  it('is deterministic: a fresh build gives identical bytes', async () => {
    const a = (await buildBidsStudy(BIDS_PLAN)).files;
    const b = (await buildBidsStudy(BIDS_PLAN)).files;
    expect(a.map((f) => [f.key, bodyBytes(f.body)])).toEqual(b.map((f) => [f.key, bodyBytes(f.body)]));
  });
});

describe('edge-case locations', () => {
  it('the BIDS study seeds into a dotted bucket (path-style) and lists back exactly', async () => {
    await moto.createBucket(OPENNEURO_BUCKET);
    await seedAndVerify(OPENNEURO_BUCKET, OPENNEURO_ACCESSION, await bidsStudy());
  });

  it('an empty BIDS study has no sub-* keys; a non-BIDS prefix has neither sub-* nor a top-level description', async () => {
    const empty = emptyBidsStudy();
    await seedAndVerify('fixtures', 'empty', empty);
    expect(empty.some((f) => f.key === 'dataset_description.json')).toBe(true);
    const notBids = notBidsFiles();
    await seedAndVerify('fixtures', 'notbids', notBids);
    for (const files of [empty, notBids]) expect(files.some((f) => /^sub-/.test(f.key))).toBe(false);
    expect(notBids.some((f) => f.key === 'dataset_description.json')).toBe(false);
  });
});

describe('HBN site', () => {
  it('seeds Site-SI in the non-BIDS layout and everything lists and parses', async () => {
    const site = await hbnSite('Site-SI');
    expect(site.subjects).toContain('sub-NDARAA075AMK');
    expect(site.subjects.length).toBeGreaterThanOrEqual(6);
    expect(site.subjects.length).toBeLessThanOrEqual(8);
    const headers = await seedAndVerify(HBN_BUCKET, site.prefix, site.files);
    expect(headers.length).toBeGreaterThanOrEqual(site.subjects.length * 2);
    for (const f of site.files.filter((f) => f.role === 'derivative'))
      expect(f.key.startsWith(`derivatives/${f.subject}/${f.pipeline}/`), f.key).toBe(true);
    const used = new Set(Object.values(site.pipelines).flat());
    expect(sortedCodePoint(used)).toEqual([...HBN_PIPELINES]);
    // A loose file directly in derivatives/<subject>/ that is no pipeline.
    expect(site.files.some((f) => f.role === 'other' && /^derivatives\/[^/]+\/[^/]+$/.test(f.key))).toBe(true);
  });

  it('differs per site and is stable per site', async () => {
    const ru = await hbnSite('Site-RU');
    const si = await hbnSite('Site-SI');
    expect(ru.subjects).not.toEqual(si.subjects);
    expect(ru.prefix).toBe('data/Projects/HBN/MRI/Site-RU');
    expect((await hbnSite('Site-RU')).files).toBe(ru.files);
  });
});

describe('large study', () => {
  it('paginates: more than 1,000 keys list back complete', async () => {
    const files = largeStudy(50, 25);
    expect(files).toHaveLength(largeStudyKeyCount(50, 25));
    await seedAndVerify('fixtures', 'large', files);
  });
});

describe('demo study', () => {
  it('seeds where the start command expects it, a few MB, every NIfTI parses', async () => {
    const files = await demoStudy();
    const total = files.reduce((n, f) => n + fileSize(f), 0);
    expect(total).toBeLessThan(5 * 1024 * 1024);
    const subjects = sortedCodePoint(new Set(files.filter((f) => f.role === 'subject').map((f) => f.subject!)));
    expect(subjects).toEqual([...DEMO_SUBJECTS]);
    expect(DEMO_SUBJECTS.length).toBe(12);
    expect(DEMO_PARTICIPANT_IDS.length).toBeGreaterThan(DEMO_SUBJECTS.length);
    const headers = await seedAndVerify(DEMO_BUCKET, DEMO_PREFIX, files);
    expect(headers.length).toBeGreaterThan(20);
  });
});
