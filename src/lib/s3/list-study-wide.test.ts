// A study with 2,000 folders not named sub-* (a big sourcedata/), listed through the delay proxy: the
// listing keeps its bound on requests in flight, costs about the requests of one sequential pass (not one
// per folder), and returns that pass key for key (README, "Layout": how a study is listed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFiles } from '#harness/fixtures/index.ts';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { createS3Client } from './client.ts';
import { listAll } from './list.ts';
import { compareKeys, listStudy } from './list-study.ts';

const BUCKET = 'wide-study';
const FOLDERS = 2000;

// Odd keys among the folders: markers, objects between folders, a folder sorting just before another
// (`x0500 /` < `x0500.txt` < `x0500/`), characters whose UTF-16 and UTF-8 orders differ, control characters.
const ODD = [
  'dataset_description.json',
  'sub-01.html',
  'sub-01/anat/sub-01_T1w.nii.gz',
  'sub-02/anat/sub-02_T1w.nii.gz',
  'derivatives/afq/sub-01/x.csv',
  'derivatives/afq/dataset_description.json',
  'sourcedata/README',
  'sourcedata/x0001/',
  'sourcedata/x0500 /a',
  'sourcedata/x0500.txt',
  'sourcedata/x1000/\u{1F600}.txt',
  'sourcedata/x1000/\uFF21.txt',
  'sourcedata/x1500/with space+plus%pct.txt',
  'sourcedata/x1999/c\u0001d\re.txt',
  'zz/\u{1F600}/x',
  'zz/\uFF21/y',
];

let moto: Moto;
let proxy: Proxy;
const all: string[] = [...ODD];

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (let f = 1; f <= FOLDERS; f++) {
    const x = `sourcedata/x${String(f).padStart(4, '0')}`;
    all.push(`${x}/scan.dcm`, `${x}/notes.txt`);
  }
  // One folder far bigger than the others: the ranges are uneven and must be evened out.
  for (let k = 0; k < 1200; k++) all.push(`sourcedata/x0002/slice${String(k).padStart(4, '0')}.dcm`);
  await seedFiles(moto, BUCKET, 'wide', all.map((key, i) => ({ key, body: `${i}` })), { concurrency: 16 });
  proxy = await startProxy({ target: moto.endpoint, delayMs: 20 });
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe('listStudy over 2,000 non-subject folders', () => {
  it('keeps its bound on requests in flight, needs about one pass of requests, and equals that pass', async () => {
    const c = createS3Client({ endpoint: proxy.endpoint });
    proxy.resetStats();
    const want = await listAll(c, BUCKET, 'wide/');
    const onePass = proxy.stats.requests;
    expect(want.length).toBe(all.length);
    expect(want.map((o) => o.key)).toContain('wide/sourcedata/x1999/c\u0001d\re.txt');
    expect(want.map((o) => o.key).slice().sort(compareKeys)).toEqual(want.map((o) => o.key));
    for (const concurrency of [1, 4, 8]) {
      proxy.resetStats();
      let reported = 0;
      const got = await listStudy(c, BUCKET, 'wide', { concurrency, onProgress: (p) => void (reported = p.requests) });
      expect(got.keys).toEqual(want);
      expect(proxy.stats.maxInFlight).toBeLessThanOrEqual(concurrency);
      // One pass, plus the delimiter listings (top level, sourcedata/ in 3 pages, derivatives/, zz/ and
      // what they hold) and at most one part-used page per range: a few dozen, never one per folder.
      expect(proxy.stats.requests).toBeLessThanOrEqual(onePass + 8 + 2 * concurrency);
      expect(reported).toBe(proxy.stats.requests);
    }
  });
});
