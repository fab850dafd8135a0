// The bench's moto (harness/moto-server.py): its HBN-scale study goes in in-process, not by 75,000 PUTs,
// and it lists fast (a sorted index, the XML written directly). What it serves must be what stock moto
// filled by PUTs serves.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ListObjectsV2Command, type ListObjectsV2CommandInput, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hbnScaleKeyCount, hbnScaleStudy, seedFiles } from '#harness/fixtures/index.ts';
import { startMoto, type Moto } from '#harness/moto.ts';
import { createS3Client, getObjectText, listAll } from '../../src/lib/s3/index.ts';

const study = hbnScaleStudy(3);
let put: Moto;
let preloaded: Moto;

beforeAll(async () => {
  [put, preloaded] = await Promise.all([
    startMoto(),
    startMoto({ fastListing: true, preload: [{ bucket: 'scale', files: study.files.map((f) => ({ key: `hbn/${f.key}`, body: f.body })) }] }),
  ]);
  await put.createBucket('scale');
  await seedFiles(put, 'scale', 'hbn', study.files);
});
afterAll(async () => {
  await put?.stop();
  await preloaded?.stop();
});

it('the generator makes the number of keys it announces, with HBN names', () => {
  expect(study.files).toHaveLength(hbnScaleKeyCount(3));
  expect(new Set(study.files.map((f) => f.key)).size).toBe(study.files.length);
  expect(study.subjects.every((s) => /^sub-NDAR[A-Z]{2}\d{3}[A-Z]{3}$/.test(s))).toBe(true);
  expect(study.files.some((f) => f.key.endsWith('ses-HBNsiteSI/dwi/' + `${study.subjects[0]}_ses-HBNsiteSI_acq-64dir_dwi.bval`))).toBe(true);
});

it('a preloaded moto lists the same keys, sizes and ETags as one filled by PUTs, and serves the bodies unsigned', async () => {
  const fromPut = await listAll(createS3Client({ endpoint: put.endpoint }), 'scale', 'hbn/');
  const unsigned = createS3Client({ endpoint: preloaded.endpoint });
  const fromPreload = await listAll(unsigned, 'scale', 'hbn/');
  expect(fromPreload.length).toBe(study.files.length);
  const shape = (l: typeof fromPut) => l.map((o) => [o.key, o.size, o.etag]);
  expect(shape(fromPreload)).toEqual(shape(fromPut));
  const tsv = study.files.find((f) => f.key === 'participants.tsv')!;
  expect(await getObjectText(unsigned, 'scale', 'hbn/participants.tsv')).toBe(tsv.body);
  // CORS is set as on a bucket made by createBucket: a page on another origin may read it.
  const allowed = async (endpoint: string) =>
    (await fetch(`${endpoint}/scale/hbn/participants.tsv`, { headers: { Origin: 'http://127.0.0.1:9' } })).headers.get('access-control-allow-origin');
  expect(await allowed(preloaded.endpoint)).toBe('http://127.0.0.1:9');
  expect(await allowed(preloaded.endpoint)).toBe(await allowed(put.endpoint));
});

/** Every page of one ListObjectsV2 query, continuation tokens followed. */
async function pages(client: S3Client, input: ListObjectsV2CommandInput) {
  const out: unknown[] = [];
  let token: string | undefined;
  do {
    const r = await client.send(new ListObjectsV2Command({ ...input, ContinuationToken: token }));
    out.push([r.KeyCount, r.IsTruncated, r.Contents?.map((o) => [o.Key, o.Size, o.ETag]), r.CommonPrefixes?.map((p) => p.Prefix)]);
    token = r.NextContinuationToken;
  } while (token);
  return out;
}

it('the fast listing answers every page as stock moto does: delimiters, page sizes, StartAfter, tokens', async () => {
  const stock = createS3Client({ endpoint: put.endpoint });
  const fast = createS3Client({ endpoint: preloaded.endpoint });
  const queries: ListObjectsV2CommandInput[] = [
    { Bucket: 'scale', Prefix: 'hbn/', Delimiter: '/', MaxKeys: 2 },
    { Bucket: 'scale', Prefix: 'hbn/sub-', MaxKeys: 7 },
    { Bucket: 'scale', Prefix: 'hbn/derivatives/', Delimiter: '/', MaxKeys: 1 },
    { Bucket: 'scale', Prefix: 'hbn/', StartAfter: `hbn/${study.files[10]!.key}`, MaxKeys: 1, Delimiter: '/' },
    { Bucket: 'scale', Prefix: `hbn/${study.subjects[1]}`, StartAfter: `hbn/${study.subjects[1]}/ses`, MaxKeys: 3 },
  ];
  for (const q of queries) {
    const want = await pages(stock, q);
    expect(want.length, JSON.stringify(q)).toBeGreaterThan(1);
    expect(await pages(fast, q), JSON.stringify(q)).toEqual(want);
  }
});

it('the fast listing agrees with stock moto on random buckets, page for page and byte for byte (harness/moto-listing-check.py)', async () => {
  const run = spawn('python3', [join(import.meta.dirname, '../../harness/moto-listing-check.py'), '4', '7']);
  let out = '';
  run.stdout.on('data', (d) => (out += d));
  run.stderr.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => run.on('close', resolve));
  expect(out).toMatch(/^ok: \d+ listings/m);
  expect(code).toBe(0);
});
