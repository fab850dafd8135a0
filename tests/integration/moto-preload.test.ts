// The bench's HBN-scale study goes into moto in-process (harness/moto-preload.py), not by 75,000 PUTs:
// what that moto serves must be what the PUTs would have made.
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
    startMoto({ preload: [{ bucket: 'scale', files: study.files.map((f) => ({ key: `hbn/${f.key}`, body: f.body })) }] }),
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
