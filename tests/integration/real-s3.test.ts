// Answers that AWS S3 really gives and moto does not, through the realistic-S3 layer (harness/real-s3.ts,
// docs/real-s3.md): each test would fail on a client that only ever met moto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startRealS3, type RealS3 } from '#harness/real-s3.ts';
import { bucketRegion, createS3Client, explainNoAnswer, getObjectText, isAwsS3Host, isS3BIDSError, listAll, listLevel, listStudy, parseLocation } from '../../src/lib/index.ts';
import { describeProblem } from '../../src/state/errors.ts';
import { openStudyModel } from '../../src/state/study-model.ts';
import { endpointSources } from '../../src/security/csp.ts';

let moto: Moto;
let s3: RealS3;
const ODD = ['odd/sub-01/anat/a\rb.txt', 'odd/sub-01/anat/c\u0001d.txt', 'odd/sub-01/anat/e\tf.txt', 'odd/sub-01/anat/plain.txt'];

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket('raw-keys');
  for (const k of ODD) await moto.put('raw-keys', k, `body of ${JSON.stringify(k)}`);
  await moto.put('raw-keys', 'odd/dataset_description.json', '{"Name":"odd","BIDSVersion":"1.8.0"}');
  await moto.put('raw-keys', 'odd/sub-02/anat/sub-02_T1w.nii.gz', 'x');
  s3 = await startRealS3({ target: moto.endpoint });
});
afterAll(async () => {
  await s3?.stop();
  await moto?.stop();
});

describe('listing is exact (docs/real-s3.md, "Keys XML cannot carry")', () => {
  it('asks for encoding-type=url and decodes keys, so control characters and \\r survive', async () => {
    const c = createS3Client({ endpoint: s3.endpoint });
    s3.resetStats();
    const keys = (await listAll(c, 'raw-keys', 'odd/sub-01/')).map((o) => o.key);
    expect(keys.sort()).toEqual([...ODD].sort());
    expect(s3.stats.listings).toBeGreaterThan(0);
    expect(s3.stats.urlEncodedListings).toBe(s3.stats.listings);
  });

  it('decodes folder names of a one-level listing', async () => {
    const c = createS3Client({ endpoint: s3.endpoint });
    const level = await listLevel(c, 'raw-keys', 'odd/');
    expect(level.folders.sort()).toEqual(['odd/sub-01/', 'odd/sub-02/']);
    expect(level.objects.map((o) => o.key)).toEqual(['odd/dataset_description.json']);
  });

  it('opens a whole study holding odd keys, with every key exactly once', async () => {
    const c = createS3Client({ endpoint: s3.endpoint });
    const listing = await listStudy(c, 'raw-keys', 'odd');
    const keys = listing.keys.map((o) => o.key);
    for (const k of ODD) expect(keys).toContain(k);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never hands on a key twice, even when the server repeats it', async () => {
    s3.set('raw-keys', { repeatKeys: true });
    try {
      const c = createS3Client({ endpoint: s3.endpoint });
      const keys = (await listStudy(c, 'raw-keys', 'odd')).keys.map((o) => o.key);
      expect(keys.length).toBe(ODD.length + 2);
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      s3.set('raw-keys', undefined);
    }
  });
});

describe('the true cause, in words (docs/real-s3.md, "A bucket in another region", "Nothing answers")', () => {
  it('follows a 301 PermanentRedirect with x-amz-bucket-region and remembers the region', async () => {
    await moto.createBucket('far-away');
    await moto.put('far-away', 'study/sub-01/anat/sub-01_T1w.nii.gz', 'x');
    s3.set('far-away', { region: 'eu-west-2' });
    try {
      s3.resetStats();
      const c = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      const keys = (await listAll(c, 'far-away', 'study/')).map((o) => o.key);
      expect(keys).toEqual(['study/sub-01/anat/sub-01_T1w.nii.gz']);
      expect(s3.stats.answered.PermanentRedirect).toBeGreaterThan(0);
      expect(s3.stats.signedRegions['eu-west-2']).toBeGreaterThan(0);
      expect(bucketRegion(c, 'far-away')).toBe('eu-west-2');
    } finally {
      s3.set('far-away', undefined);
    }
  });

  it('follows a 307 TemporaryRedirect with x-amz-bucket-region too, for listings and reads', async () => {
    await moto.createBucket('far-away-307');
    await moto.put('far-away-307', 'study/sub-01/anat/sub-01_T1w.nii.gz', 'x');
    s3.set('far-away-307', { region: 'ap-southeast-2', redirect: 307 });
    try {
      s3.resetStats();
      const c = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      const keys = (await listAll(c, 'far-away-307', 'study/')).map((o) => o.key);
      expect(keys).toEqual(['study/sub-01/anat/sub-01_T1w.nii.gz']);
      expect(await getObjectText(c, 'far-away-307', 'study/sub-01/anat/sub-01_T1w.nii.gz')).toBe('x');
      expect(s3.stats.answered.TemporaryRedirect).toBeGreaterThan(0);
      expect(s3.stats.signedRegions['ap-southeast-2']).toBeGreaterThan(0);
      expect(bucketRegion(c, 'far-away-307')).toBe('ap-southeast-2');
    } finally {
      s3.set('far-away-307', undefined);
    }
  });

  it('says "cannot reach S3" with Retry when nothing answers', async () => {
    const c = createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 });
    s3.goOffline();
    try {
      const failure = await listAll(c, 'raw-keys', 'odd/').then(
        () => undefined,
        (e: unknown) => e,
      );
      const why = await explainNoAnswer(c, 'raw-keys', failure);
      expect(isS3BIDSError(why, 'Unreachable')).toBe(true);
      const problem = describeProblem(why);
      expect(problem.title).toBe('Cannot reach S3');
      expect(problem.action).toBe('retry');
    } finally {
      await s3.goOnline();
    }
  });
});

describe('a location that cannot be read says what was recognised and what is expected', () => {
  it('never reads s3:/bad as the bucket "s3:", and never titles it "Invalid Option"', () => {
    const failure = (() => {
      try {
        parseLocation('s3:/bad');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isS3BIDSError(failure, 'InvalidOption')).toBe(true);
    const problem = describeProblem(failure);
    expect(problem.title).toBe('This location cannot be read');
    expect(problem.message).toContain('"s3:"');
    expect(problem.message).toContain('s3://<bucket>/<prefix>');
  });
});

describe('every valid BIDS dataset opens', () => {
  it('opens a dataset with a description and no subject folders, with none, and plans its top-level files', async () => {
    await moto.createBucket('atlas-only');
    await moto.put('atlas-only', 'tpl/dataset_description.json', '{"Name":"atlas","BIDSVersion":"1.8.0","DatasetType":"derivative"}');
    await moto.put('atlas-only', 'tpl/README', 'An atlas.');
    await moto.put('atlas-only', 'tpl/tpl-MNI/tpl-MNI_T1w.nii.gz', 'x');
    const client = createS3Client({ endpoint: s3.endpoint });
    const location = parseLocation('s3://atlas-only/tpl', { endpoint: s3.endpoint });
    const listing = await listStudy(client, 'atlas-only', 'tpl');
    const model = await openStudyModel({ client, location, source: { listing }, subjects: 'all', seed: 0 });
    expect(model.allSubjects).toEqual([]);
    const plan = await model.plan();
    expect(plan.entries.map((e) => e.key)).toContain('tpl/dataset_description.json');
  });
});

describe('credentials go only where they were given', () => {
  it('counts only S3 host names as AWS, not every *.amazonaws.com host', () => {
    expect(isAwsS3Host('s3.eu-west-2.amazonaws.com')).toBe(true);
    expect(isAwsS3Host('openneuro.org.s3.amazonaws.com')).toBe(true);
    expect(isAwsS3Host('abc123.execute-api.us-east-1.amazonaws.com')).toBe(false);
    expect(endpointSources('https://abc123.execute-api.us-east-1.amazonaws.com')).toEqual(['https://abc123.execute-api.us-east-1.amazonaws.com']);
  });

  it('refuses an endpoint holding user:password@, in words', () => {
    let failure: unknown;
    try {
      parseLocation('s3://bucket-x/study', { endpoint: `http://me:secret@${new URL(s3.endpoint).host}` });
    } catch (e) {
      failure = e;
    }
    expect(isS3BIDSError(failure, 'InvalidOption')).toBe(true);
    expect((failure as Error).message).toContain('user name or password');
    expect((failure as Error).message).not.toContain('secret');
  });
});

describe('requester pays (docs/real-s3.md, "Requester pays")', () => {
  it('sends x-amz-request-payer: requester on every request when asked, with credentials', async () => {
    await moto.createBucket('payer-pays');
    await moto.put('payer-pays', 'study/sub-01/anat/sub-01_T1w.nii.gz', 'x');
    s3.set('payer-pays', { requesterPays: true });
    try {
      const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
      const plain = createS3Client({ endpoint: s3.endpoint, credentials });
      await expect(listAll(plain, 'payer-pays', 'study/')).rejects.toMatchObject({ code: 'AccessDenied' });
      s3.resetStats();
      const paying = createS3Client({ endpoint: s3.endpoint, credentials, requesterPays: true });
      const keys = (await listAll(paying, 'payer-pays', 'study/')).map((o) => o.key);
      expect(keys).toEqual(['study/sub-01/anat/sub-01_T1w.nii.gz']);
      expect(s3.stats.requesterPayer).toBe(s3.stats.requests);
      expect(() => createS3Client({ endpoint: s3.endpoint, requesterPays: true })).toThrow(/needs credentials/);
    } finally {
      s3.set('payer-pays', undefined);
    }
  });
});
