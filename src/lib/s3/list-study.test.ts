import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { createS3Client } from './client.ts';
import { listAll } from './list.ts';
import { compareKeys, listStudy, normalisePrefix } from './list-study.ts';
import { isS3BIDSError } from '../errors/index.ts';
import type { StudyListing } from './types.ts';

const BUCKET = 'list-study';

// Keys that sort between folders (`sub-01.html` < `sub-01/`, `sub-01-x/`), folder markers, top-level
// files before, between and after the folders, and characters whose UTF-16 and UTF-8 orders differ.
const AWKWARD = [
  'aw/CHANGES',
  'aw/README',
  'aw/dataset_description.json',
  'aw/participants.tsv',
  'aw/sub-01.html',
  'aw/sub-01-x/anat/a.nii.gz',
  'aw/sub-01/',
  'aw/sub-01/anat/sub-01_T1w.nii.gz',
  'aw/sub-01/with space+plus%pct.txt',
  'aw/sub-010/anat/sub-010_T1w.nii.gz',
  'aw/sub-02/',
  'aw/sub-02/ünï©ødé.json',
  'aw/sub-02/\uFF21fullwidth.txt',
  'aw/sub-02/\u{1F600}emoji.txt',
  'aw/sub 03/func/x y.tsv',
  'aw/sub+04/%2F.txt',
  'aw/sub-05/a',
  'aw/sub-05a',
  'aw/sub-05/a/b//c',
  'aw/\u00e9tude/x',
  'aw/\uFF21/x',
  'aw/\u{1F600}/x',
  'aw/zz-top.txt',
  'aw/derivatives/afq/sub-01/x.csv',
  'aw/derivatives/afq/dataset_description.json',
  // Opened two levels deep: folder markers, loose files at each level, pipelines sharing a prefix.
  'aw/derivatives/',
  'aw/derivatives/README.txt',
  'aw/derivatives/afq/',
  'aw/derivatives/afq/sub-01.html',
  'aw/derivatives/afq/sub-010/z.csv',
  'aw/derivatives/afq-extra/sub-02/y.csv',
  'aw/derivatives/dm/sub-01/',
  'aw/derivatives/dm/sub-01/dwi/a b.nii.gz',
  'aw/derivatives/dm/code/run.py',
  'aw/sourcedata/sub-01/raw.dcm',
  'aw/sourcedata/notes.txt',
  'awkward-sibling/not-in-study.txt',
  'aw-sibling.txt',
];

let moto: Moto;

async function putAll(keys: string[], body: (k: string, i: number) => string) {
  let i = 0;
  const worker = async () => {
    while (i < keys.length) {
      const n = i++;
      await moto.put(BUCKET, keys[n]!, body(keys[n]!, n));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const big: string[] = [];
beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  // 70 subjects x 15 keys, a derivatives folder over one page on its own, top-level files.
  for (let s = 1; s <= 70; s++)
    for (let k = 0; k < 15; k++) big.push(`big/sub-${String(s).padStart(4, '0')}/anat/f${k}.nii.gz`);
  for (let k = 0; k < 1100; k++) big.push(`big/derivatives/afq/sub-0001/k${String(k).padStart(5, '0')}.csv`);
  big.push('big/dataset_description.json', 'big/participants.tsv', 'big/sub-0001.html');
  await putAll([...AWKWARD, ...big], (k, i) => `${k}:${'x'.repeat(i % 7)}`);
});
afterAll(async () => moto?.stop());

const anon = () => createS3Client({ endpoint: moto.endpoint });

describe('compareKeys and normalisePrefix', () => {
  it('orders by UTF-8 bytes as S3 does, not by UTF-16 units', () => {
    // U+FF21 is one UTF-16 unit above the surrogates; in UTF-8 it sorts below U+1F600.
    expect('\uFF21' > '\u{1F600}').toBe(true);
    expect(compareKeys('\uFF21', '\u{1F600}')).toBeLessThan(0);
    expect(compareKeys('sub-01.html', 'sub-01/')).toBeLessThan(0);
    expect(compareKeys('a', 'a')).toBe(0);
    expect(compareKeys('ab', 'a')).toBeGreaterThan(0);
  });
  it('strips leading and trailing slashes only', () => {
    expect(normalisePrefix('/a//b/')).toBe('a//b');
    expect(normalisePrefix('/')).toBe('');
  });
});

describe('listStudy against moto', () => {
  const same = (got: StudyListing, want: Awaited<ReturnType<typeof listAll>>) => {
    expect(got.keys.map((o) => o.key)).toEqual(want.map((o) => o.key));
    expect(got.keys).toEqual(want);
  };

  it('equals one sequential pass on a study of over 2,000 keys, at every concurrency', async () => {
    const c = anon();
    const want = await listAll(c, BUCKET, 'big/');
    expect(want.length).toBe(big.length);
    for (const concurrency of [1, 3, 8, 40]) {
      const got = await listStudy(c, BUCKET, 'big', { concurrency });
      same(got, want);
    }
  });

  it('shares one cancel signal among 40 requests in flight without a listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const got = await listStudy(anon(), BUCKET, 'big', { concurrency: 40, signal: new AbortController().signal });
      expect(got.keys.length).toBe(big.length);
      // Node emits warnings on a later tick.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('equals one sequential pass on awkward keys, with the top level split out', async () => {
    const c = anon();
    const want = await listAll(c, BUCKET, 'aw/');
    expect(want.map((o) => o.key).sort(compareKeys)).toEqual(want.map((o) => o.key));
    for (const concurrency of [1, 2, 5, 100]) {
      const got = await listStudy(c, BUCKET, '/aw/', { concurrency });
      same(got, want);
      expect(got.prefix).toBe('aw');
      expect(got.endpoint).toBe(moto.endpoint);
      expect(got.bucket).toBe(BUCKET);
      expect(got.topObjects.map((o) => o.key)).toEqual([
        'aw/CHANGES',
        'aw/README',
        'aw/dataset_description.json',
        'aw/participants.tsv',
        'aw/sub-01.html',
        'aw/sub-05a',
        'aw/zz-top.txt',
      ]);
      expect(got.topFolders).toContain('sub-01/');
      expect(got.topFolders).toContain('sub 03/');
      expect(got.topFolders).toContain('\u{1F600}/');
      expect(got.topFolders).not.toContain('sub-01.html');
    }
  });

  it('lists the bucket root', async () => {
    const c = anon();
    const want = await listAll(c, BUCKET, '');
    same(await listStudy(c, BUCKET, '/', { concurrency: 4 }), want);
  });

  it('shows the top level before the keys and reports progress', async () => {
    const c = anon();
    const events: string[] = [];
    let last = { keys: 0, requests: 0 };
    const got = await listStudy(c, BUCKET, 'big', {
      concurrency: 4,
      onTopLevel: (p) => {
        events.push(`top:${p.topFolders.length}:${p.keys.length}`);
      },
      onProgress: (p) => {
        if (events[events.length - 1] !== 'progress') events.push('progress');
        last = p;
      },
    });
    expect(events[0]).toBe('top:71:0');
    expect(events.length).toBeGreaterThan(1);
    expect(last.keys).toBe(got.keys.length);
    // The delimiter listing, one page per partition at least, and the 1,100-key folder needs two.
    expect(last.requests).toBeGreaterThanOrEqual(1 + 2);
  });

  it('stops with Aborted when cancelled', async () => {
    const c = anon();
    const ctl = new AbortController();
    const p = listStudy(c, BUCKET, 'big', { concurrency: 2, signal: ctl.signal, onTopLevel: () => ctl.abort() });
    await expect(p).rejects.toSatisfy((e) => isS3BIDSError(e, 'Aborted'));
    const done = new AbortController();
    done.abort();
    await expect(listStudy(c, BUCKET, 'big', { signal: done.signal })).rejects.toSatisfy((e) => isS3BIDSError(e, 'Aborted'));
  });

  it('names a missing bucket', async () => {
    await expect(listStudy(anon(), 'no-such-bucket-here', 'x')).rejects.toSatisfy((e) => isS3BIDSError(e, 'NoSuchBucket'));
  });

  it('returns an empty listing for an empty prefix', async () => {
    const got = await listStudy(anon(), BUCKET, 'nothing-here/');
    expect(got).toMatchObject({ topFolders: [], topObjects: [], keys: [], prefix: 'nothing-here' });
  });
});
