// Bad input (README.md, "Faults and bad input"), in Node against moto: each case gets a clear message (an S3BIDSError code and
// words a user can act on) and loses nothing (no file written wrongly, nothing outside the folder).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { gzipFixture, nii } from '#harness/fixtures/index.ts';
import { S3BIDSStudy } from '../../src/lib/bids/index.ts';
import type { DownloadPlan } from '../../src/lib/plan/index.ts';
import { isS3BIDSError, type S3BIDSErrorCode } from '../../src/lib/errors/index.ts';
import { s3JsonRead } from '../../src/lib/json/index.ts';
import { readNiftiHeader } from '../../src/lib/nifti/index.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';
import { listStudy } from '../../src/lib/s3/list-study.ts';
import type { StudyListing } from '../../src/lib/s3/types.ts';
import { annotatePlan, executePlan, LOCK_PATH, type DownloadProgress } from '../../src/lib/save/index.ts';
import { nodeFolderTarget } from '../../src/lib/save/node-folder.ts';
import { parseParticipants } from '../../src/lib/tsv/index.ts';

const B = 'bad-input';
const DESC = '{"Name": "bad input", "BIDSVersion": "1.8.0"}';
let moto: Moto;
let proxy: Proxy;
let client: S3Client;
const T1W = gzipFixture(nii({ dims: [12, 12, 10], voxel: [1, 1, 1.2], description: 'bad-input T1w' }));

/** A minimal study under `prefix` with the given extra files. */
async function study(prefix: string, extra: Record<string, string | Uint8Array> = {}) {
  const files: Record<string, string | Uint8Array> = {
    'dataset_description.json': DESC,
    'sub-01/anat/sub-01_T1w.nii.gz': T1W,
    'sub-02/anat/sub-02_T1w.json': '{"RepetitionTime": 2}',
    ...extra,
  };
  await Promise.all(Object.entries(files).map(([k, v]) => moto.put(B, prefix ? `${prefix}/${k}` : k, v)));
}

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(B);
  proxy = await startProxy({ target: moto.endpoint });
  client = createS3Client({ endpoint: proxy.endpoint });
  await study('ds', {
    'sub-01/sub-01_scans.tsv': '',
    'sub-01/anat/sub-01_T1w.json': '{"RepetitionTime": 2.0, "EchoTime": }',
    'sub-02/anat/sub-02_T1w.nii.gz': T1W.slice(0, 30),
    'sub-02/anat/sub-02_html.nii.gz': '<html>Error</html>',
    'sub-02/odd/colon:name.txt': 'c',
    'sub-02/odd/star*name.txt': 's',
    'sub-02/odd/what?.txt': 'q',
    'sub-02/odd/trailing-dot.': 'd',
    'sub-02/odd/trailing-space ': 'w',
    'sub-02/odd/fine.txt': 'fine',
  });
  // Folder markers, as the S3 console makes them.
  await Promise.all(['ds/sub-01/', 'ds/sub-01/anat/', 'ds/sub-02/odd/'].map((k) => moto.put(B, k, '')));
  await study('', { '/sub-01/evil.txt': 'leading slash' });
  await study('dbl//ds');
  await study('slow', { 'sub-01/dwi/sub-01_dwi.nii.gz': new Uint8Array(400_000).fill(7) });
  await moto.put(B, 'not-bids/notes/readme.txt', 'x');
  await moto.put(B, 'not-bids/subject-01/a.txt', 'x');
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-bad-'));
const open = (o: Partial<Parameters<typeof S3BIDSStudy.open>[0]> = {}) => S3BIDSStudy.open({ bucket: B, s3Prefix: 'ds', client, subjects: 'all', ...o });
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => p.split('\\').join('/'))
    .filter((p) => statSync(join(dir, p)).isFile())
    .sort();
}
async function failure(p: Promise<unknown>): Promise<{ code: S3BIDSErrorCode | undefined; message: string }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a failure').toBeDefined();
  return { code: isS3BIDSError(e) ? e.code : undefined, message: String((e as Error)?.message ?? e) };
}

describe('where the study is', () => {
  it('invalid bucket names are refused before any request', async () => {
    proxy.resetStats();
    for (const bucket of ['ab', 'Bad..Bucket', '-leading-hyphen', 'has space', '192.168.0.1', 'x'.repeat(256), 'under_score_', 'a/b']) {
      const f = await failure(open({ bucket }));
      expect(f.code, bucket).toBe('InvalidBucketName');
      expect(f.message, bucket).toMatch(/is not a valid S3 bucket name: use 3–63 lowercase letters/);
    }
    expect(proxy.stats.requests).toBe(0);
  });

  it('a missing bucket is named as such', async () => {
    const f = await failure(open({ bucket: 'no-such-bucket-here' }));
    expect(f).toMatchObject({ code: 'NoSuchBucket' });
    expect(f.message).toMatch(/The bucket "no-such-bucket-here" does not exist\. Check its name and region/);
  });

  it('a private bucket: denied anonymously with an offer of credentials; with them, every file arrives', async () => {
    await moto.createBucket('bad-private', { public: false });
    await moto.put('bad-private', 'p/dataset_description.json', DESC, { public: false });
    await moto.put('bad-private', 'p/participants.tsv', 'participant_id\nsub-01\n', { public: false });
    await moto.put('bad-private', 'p/sub-01/a.txt', 'private bytes', { public: false });
    const f = await failure(S3BIDSStudy.open({ bucket: 'bad-private', s3Prefix: 'p', client, useParticipantsTsv: true, subjects: 'all' }));
    expect(f.code).toBe('AccessDenied');
    expect(f.message).toMatch(/denied\. The bucket is private.*add credentials \(kept in memory only\)/);
    // moto lists private buckets anonymously (real S3 does not), so the save shows the per-file refusal too.
    const anon = await S3BIDSStudy.open({ bucket: 'bad-private', s3Prefix: 'p', client, subjects: 'all' });
    const dir = tempDir();
    const r1 = await anon.download(dir);
    expect(r1.failed.map((x) => x.localPath).sort()).toEqual(['dataset_description.json', 'sub-01/a.txt']);
    for (const x of r1.failed) expect(x.reason).toMatch(/denied.*credentials/);
    expect(filesUnder(dir)).toEqual(['.s3bids/manifest.json']);
    const signed = createS3Client({ endpoint: proxy.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const s = await S3BIDSStudy.open({ bucket: 'bad-private', s3Prefix: 'p', client: signed, useParticipantsTsv: true, subjects: 'all' });
    const r2 = await s.download(dir);
    expect(r2.failed).toEqual([]);
    expect(readFileSync(join(dir, 'sub-01', 'a.txt'), 'utf8')).toBe('private bytes');
  });

  it('an empty prefix (and "/") is the bucket root: the study there opens and saves', async () => {
    for (const s3Prefix of ['', '/']) {
      const s = await open({ s3Prefix });
      expect(s.s3Prefix).toBe('');
      expect(s.allSubjects).toEqual(['sub-01', 'sub-02']);
      const plan = await s.plan();
      expect(plan.entries.map((e) => e.localPath)).toEqual([
        'dataset_description.json',
        'sub-01/anat/sub-01_T1w.nii.gz',
        'sub-02/anat/sub-02_T1w.json',
      ]);
    }
    const dir = tempDir();
    const r = await (await open({ s3Prefix: '' })).download(dir);
    expect(r.failed).toEqual([]);
    expect(readFileSync(join(dir, 'sub-01', 'anat', 'sub-01_T1w.nii.gz'))).toEqual(Buffer.from(T1W));
  });

  it('a prefix that is not a BIDS study says why', async () => {
    const f = await failure(open({ s3Prefix: 'not-bids' }));
    expect(f.code).toBe('NotBIDS');
    expect(f.message).toMatch(/s3:\/\/bad-input\/not-bids is not a BIDS study: it has no sub-\* folders and no dataset_description\.json/);
    const empty = await failure(open({ s3Prefix: 'nothing/here' }));
    expect(empty.code).toBe('NotBIDS');
    expect(empty.message).toMatch(/Nothing was found under s3:\/\/bad-input\/nothing\/here\. Check the bucket and prefix/);
  });

  it('a leading slash on the prefix is dropped and every subject file kept', async () => {
    const plain = await (await open()).plan({ includeDerivs: true });
    const s = await open({ s3Prefix: '/ds' });
    expect(s.s3Prefix).toBe('ds');
    expect((await s.plan({ includeDerivs: true })).entries).toEqual(plain.entries);
  });

  it('a trailing slash on the prefix is dropped and every subject file kept', async () => {
    const plain = await (await open()).plan();
    const s = await open({ s3Prefix: 'ds/' });
    expect(s.s3Prefix).toBe('ds');
    expect((await s.plan()).entries).toEqual(plain.entries);
  });

  it('doubled slashes: around the prefix they are dropped, inside it they are part of the key', async () => {
    const s = await open({ s3Prefix: '//dbl//ds//' });
    expect(s.s3Prefix).toBe('dbl//ds');
    expect(s.allSubjects).toEqual(['sub-01', 'sub-02']);
    const dir = tempDir();
    const r = await s.download(dir);
    expect(r.failed).toEqual([]);
    expect(filesUnder(dir).filter((p) => !p.startsWith('.s3bids/'))).toEqual(['dataset_description.json', 'sub-01/anat/sub-01_T1w.nii.gz', 'sub-02/anat/sub-02_T1w.json']);
    // `dbl/ds` is another place: nothing there.
    expect((await failure(open({ s3Prefix: 'dbl/ds' }))).message).toMatch(/Nothing was found under s3:\/\/bad-input\/dbl\/ds/);
  });
});

describe('participants.tsv', () => {
  /** Puts a study whose participants.tsv is `tsv` and opens it by the TSV's ids. */
  async function byTsv(name: string, tsv: string) {
    await study(`tsv-${name}`, { 'participants.tsv': tsv });
    return S3BIDSStudy.open({ bucket: B, s3Prefix: `tsv-${name}`, client, useParticipantsTsv: true, subjects: 'all' });
  }

  it('ragged rows keep every participant; the short and long lines are named', async () => {
    const tsv = 'participant_id\tage\tsex\nsub-01\t10\nsub-02\t11\tF\textra\nsub-03\t12\tM\n';
    const t = parseParticipants(tsv);
    expect(t.ids).toEqual(['sub-01', 'sub-02', 'sub-03']);
    expect(t.rows[0]).toMatchObject({ age: 10, sex: null });
    expect(t.issues.map((i) => i.message)).toEqual([
      'Line 2 has 2 fields but the header has 3; the missing ones are treated as n/a.',
      'Line 3 has 4 fields but the header has 3; the extra ones are ignored.',
    ]);
    const s = await byTsv('ragged', tsv);
    expect(s.allSubjects).toEqual(['sub-01', 'sub-02', 'sub-03']);
    expect(s.subjectsWithoutData).toEqual(['sub-03']);
  });

  it('a byte-order mark does not hide the participant_id column', async () => {
    const tsv = '\ufeffparticipant_id\tage\nsub-01\t10\nsub-02\t11\n';
    const t = parseParticipants(tsv);
    expect(t.columns.map((c) => c.name)).toEqual(['participant_id', 'age']);
    expect(t.issues).toEqual([]);
    expect((await byTsv('bom', tsv)).allSubjects).toEqual(['sub-01', 'sub-02']);
  });

  it('CRLF line ends leave no carriage return in ids or values', async () => {
    const tsv = 'participant_id\tsex\r\nsub-01\tF\r\nsub-02\tM\r\n';
    const t = parseParticipants(tsv);
    expect(t.ids).toEqual(['sub-01', 'sub-02']);
    expect(t.rows.map((r) => r.sex)).toEqual(['F', 'M']);
    expect(JSON.stringify(t)).not.toContain('\\r');
    expect((await byTsv('crlf', tsv)).allSubjects).toEqual(['sub-01', 'sub-02']);
  });

  it('a quoted value holding a tab stays one field', async () => {
    const tsv = 'participant_id\tnote\tage\nsub-01\t"left\thanded"\t10\nsub-02\tplain\t11\n';
    const t = parseParticipants(tsv);
    expect(t.issues).toEqual([]);
    expect(t.rows[0]).toMatchObject({ participant_id: 'sub-01', note: 'left\thanded', age: 10 });
    expect((await byTsv('quoted', tsv)).allSubjects).toEqual(['sub-01', 'sub-02']);
  });

  it('a repeated participant_id is kept once and the repeat is named', async () => {
    const tsv = 'participant_id\tage\nsub-01\t10\n01\t99\nsub-02\t11\n';
    const t = parseParticipants(tsv);
    expect(t.ids).toEqual(['sub-01', 'sub-02']);
    expect(t.issues.map((i) => i.message)).toEqual(['sub-01 appears again on line 3 (first on line 2).']);
    expect((await byTsv('dup', tsv)).allSubjects).toEqual(['sub-01', 'sub-02']);
  });

  it('a row without a participant_id is left out and named; the others stay', async () => {
    const tsv = 'participant_id\tage\nsub-01\t10\n\t11\nn/a\t12\nsub-02\t13\n';
    const t = parseParticipants(tsv);
    expect(t.ids).toEqual(['sub-01', 'sub-02']);
    expect(t.issues.map((i) => i.message)).toEqual(['Line 3 has no participant_id; the row is left out.', 'Line 4 has no participant_id; the row is left out.']);
    expect((await byTsv('missing-id', tsv)).allSubjects).toEqual(['sub-01', 'sub-02']);
  });

  it('a file without a participant_id column is refused, naming its columns', async () => {
    const tsv = 'subject,age\nsub-01,10\n';
    expect(() => parseParticipants(tsv)).toThrow(/participants\.tsv has no participant_id column \(its columns are: subject,age\).*check that the file is tab-separated/);
    const f = await failure(byTsv('no-id-column', tsv));
    expect(f.code).toBe('InvalidOption');
    expect(f.message).toMatch(/has no participant_id column/);
  });

  it('only n/a: rows without ids are left out, n/a columns are empty, and choosing from no one is NoSubjects', async () => {
    const tsv = 'participant_id\tage\tsex\nn/a\tn/a\tn/a\nn/a\tn/a\tn/a\n';
    const t = parseParticipants(tsv);
    expect(t.ids).toEqual([]);
    expect(t.issues).toHaveLength(2);
    const cols = parseParticipants('participant_id\tage\nsub-01\tn/a\nsub-02\tn/a\n');
    expect(cols.ids).toEqual(['sub-01', 'sub-02']);
    expect(cols.rows.map((r) => r.age)).toEqual([null, null]);
    const f = await failure(byTsv('only-na', tsv));
    expect(f.code).toBe('NoSubjects');
    expect(f.message).toMatch(/no subjects .* to choose from/);
    const none = await S3BIDSStudy.open({ bucket: B, s3Prefix: 'tsv-only-na', client, useParticipantsTsv: true });
    expect(none.subjects).toEqual([]);
  });

  // How fast is the bench's question (participants-100k-parse); this checks the result.
  it('100,000 rows parse and open as 100,000 subjects', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `sub-${String(i).padStart(6, '0')}\t${20 + (i % 50)}\t${i % 2 ? 'F' : 'M'}`);
    const tsv = `participant_id\tage\tsex\n${rows.join('\n')}\n`;
    const t = parseParticipants(tsv);
    expect(t.ids).toHaveLength(100_000);
    expect(t.rows[99_999]).toEqual({ participant_id: 'sub-099999', age: 20 + (99_999 % 50), sex: 'F' });
    await moto.put(B, 'tsv-100k/participants.tsv', tsv);
    await study('tsv-100k', { 'sub-000001/anat/a.txt': 'a' });
    const s = await S3BIDSStudy.open({ bucket: B, s3Prefix: 'tsv-100k', client, useParticipantsTsv: true, subjects: ['sub-000001', 'sub-099999'] });
    expect(s.allSubjects).toHaveLength(100_000);
    expect(s.subjectsWithoutData).toHaveLength(99_999);
    expect((await s.plan()).entries.map((e) => e.localPath)).toEqual(['dataset_description.json', 'sub-000001/anat/a.txt']);
  });
});

describe('files that are not what they claim', () => {
  it('an invalid JSON sidecar is InvalidJson, with where the error is', async () => {
    const f = await failure(s3JsonRead(client, B, 'ds/sub-01/anat/sub-01_T1w.json'));
    expect(f.code).toBe('InvalidJson');
    expect(f.message).toMatch(/sub-01_T1w\.json is not valid JSON \(line 1, column \d+\)/);
  });

  it('a truncated .nii.gz, or an HTML page named .nii.gz, is InvalidNifti', async () => {
    const cut = await failure(readNiftiHeader(client, B, 'ds/sub-02/anat/sub-02_T1w.nii.gz'));
    expect(cut.code).toBe('InvalidNifti');
    expect(cut.message).toMatch(/sub-02_T1w\.nii\.gz is not a readable NIfTI image: /);
    const html = await failure(readNiftiHeader(client, B, 'ds/sub-02/anat/sub-02_html.nii.gz'));
    expect(html.code).toBe('InvalidNifti');
    expect(html.message).toMatch(/not a readable NIfTI image/);
    // The whole file is fine: the header reads.
    expect((await readNiftiHeader(client, B, 'ds/sub-01/anat/sub-01_T1w.nii.gz')).dims).toEqual([12, 12, 10]);
  });
});

describe('keys a file system must not see', () => {
  /** A real listing of `ds` with extra keys, as a bucket could hold them. */
  async function listingWith(keys: string[]): Promise<StudyListing> {
    const l = await listStudy(client, B, 'ds');
    return { ...l, keys: [...l.keys, ...keys.map((key) => ({ key, size: 5, etag: 'f'.repeat(32) }))] };
  }
  async function refusedIn(keys: string[], why: RegExp) {
    const s = await open({ listing: await listingWith(keys) });
    const plan = await s.plan();
    for (const key of keys) expect(plan.entries.find((e) => e.key === key)?.refused, key).toMatch(why);
    const parent = tempDir();
    const dir = join(parent, 'study');
    mkdirSync(dir);
    const r = await s.download(dir);
    for (const key of keys) {
      const f = r.failed.find((x) => x.key === key);
      expect(f?.reason, key).toMatch(why);
      expect(f?.reason, key).toMatch(/^Not saved: /);
      expect(r.entries.find((e) => e.localPath === f!.localPath)?.status).toBe('refused');
    }
    // The safe files arrived; nothing was written beside the folder.
    expect(r.downloaded).toBeGreaterThan(0);
    expect(readdirSync(parent)).toEqual(['study']);
    return r;
  }

  it('".." segments are refused and reported', async () => {
    await refusedIn(['ds/sub-01/../../escape.txt', 'ds/sub-01/anat/..'], /"\.\." segment that would leave the folder/);
    expect(existsSync(join(tmpdir(), 'escape.txt'))).toBe(false);
  });

  it('"//" inside a key is refused and reported', async () => {
    await refusedIn(['ds/sub-01//anat/x.txt'], /empty segment/);
  });

  it('a key with a leading "/" never becomes an absolute path', async () => {
    // At the bucket root, "/sub-01/evil.txt" sits in a folder named "": not a subject, never planned.
    const s = await open({ s3Prefix: '' });
    expect(s.allSubjects).toEqual(['sub-01', 'sub-02']);
    const plan = await s.plan({ includeModalityAgnostic: true });
    expect(plan.entries.some((e) => e.key === '/sub-01/evil.txt' || e.localPath.startsWith('/'))).toBe(false);
    // Given one anyway (a hand-made plan), the saver refuses it.
    const dir = tempDir();
    const bad: DownloadPlan = { bucket: B, prefix: '', entries: [{ key: '/sub-01/evil.txt', size: 13, etag: '', localPath: '/sub-01/evil.txt', action: 'download' }] };
    const r = await executePlan({ client, plan: bad, target: nodeFolderTarget(dir) });
    expect(r.failed[0]!.reason).toBe('Not saved: the path is absolute.');
    expect(existsSync('/sub-01/evil.txt')).toBe(false);
  });

  it('names a file system refuses (: * ? trailing dot or space) are refused and reported; the rest arrive', async () => {
    const s = await open({ subjects: ['sub-02'] });
    const plan = await s.plan();
    const reasons = Object.fromEntries(plan.entries.filter((e) => e.refused).map((e) => [e.localPath, e.refused]));
    expect(reasons).toEqual({
      'sub-02/odd/colon:name.txt': '"colon:name.txt" has a character file systems refuse (control, < > : " | ? * or \\)',
      'sub-02/odd/star*name.txt': '"star*name.txt" has a character file systems refuse (control, < > : " | ? * or \\)',
      'sub-02/odd/what?.txt': '"what?.txt" has a character file systems refuse (control, < > : " | ? * or \\)',
      'sub-02/odd/trailing-dot.': '"trailing-dot." ends with a space or a dot, which Windows refuses',
      'sub-02/odd/trailing-space ': '"trailing-space " ends with a space or a dot, which Windows refuses',
    });
    const dir = tempDir();
    const r = await s.download(dir);
    expect(r.failed.map((f) => f.localPath).sort()).toEqual(Object.keys(reasons).sort());
    expect(filesUnder(dir).filter((p) => !p.startsWith('.s3bids/'))).toEqual([
      'dataset_description.json',
      'sub-02/anat/sub-02_T1w.json',
      'sub-02/anat/sub-02_T1w.nii.gz',
      'sub-02/anat/sub-02_html.nii.gz',
      'sub-02/odd/fine.txt',
    ]);
  });

  it('zero-byte objects are saved as empty files and skipped on a rerun without a request', async () => {
    const s = await open({ subjects: ['sub-01'] });
    const dir = tempDir();
    const r = await s.download(dir);
    expect(r.failed).toEqual([]);
    expect(statSync(join(dir, 'sub-01', 'sub-01_scans.tsv')).size).toBe(0);
    proxy.resetStats();
    const again = await s.download(dir);
    expect(again.skipped).toBe(r.downloaded);
    expect(again.downloaded).toBe(0);
    expect(proxy.stats.bodyGets).toBe(0);
  });

  it('zero-byte folder markers ("sub-01/") are not planned as files', async () => {
    const s = await open();
    const plan = await s.plan();
    expect(plan.entries.filter((e) => e.key?.endsWith('/'))).toEqual([]);
    expect(s.subjects[0]!.s3Keys.raw.some((o) => o.key === 'ds/sub-01/')).toBe(true);
    const dir = tempDir();
    const r = await (await open({ subjects: ['sub-01'] })).download(dir);
    expect(r.failed).toEqual([]);
    expect(statSync(join(dir, 'sub-01', 'anat')).isDirectory()).toBe(true);
  });
});

describe('objects over 5 GB', () => {
  const BIG = [5 * 2 ** 30 + 1, 6_000_000_001, 2 ** 40 + 3];
  const listing = (): StudyListing => ({
    endpoint: proxy.endpoint,
    bucket: B,
    prefix: 'huge',
    topFolders: ['sub-01/'],
    topObjects: [{ key: 'huge/dataset_description.json', size: 10, etag: 'a'.repeat(32) }],
    keys: [
      { key: 'huge/dataset_description.json', size: 10, etag: 'a'.repeat(32) },
      ...BIG.map((size, i) => ({ key: `huge/sub-01/dwi/run-${i}_dwi.nii.gz`, size, etag: `${'b'.repeat(32)}-${600 + i}` })),
    ],
    listedAt: new Date().toISOString(),
  });

  it('sizes stay exact in the plan, in progress totals and in the on-disk comparison', async () => {
    const s = await S3BIDSStudy.open({ bucket: B, s3Prefix: 'huge', client, listing: listing(), subjects: 'all' });
    const plan = await s.plan();
    expect(plan.entries.map((e) => e.size)).toEqual([10, ...BIG]);
    // Progress totals, without a byte moved: a run cancelled before it starts.
    const ctl = new AbortController();
    ctl.abort();
    let last: DownloadProgress | undefined;
    const dir = tempDir();
    const r = await executePlan({ client, plan, target: nodeFolderTarget(dir), control: { signal: ctl.signal, onProgress: (p) => (last = p) } });
    expect(r.aborted).toBe(true);
    expect(last!.bytesTotal).toBe(10 + BIG.reduce((a, b) => a + b, 0));
    expect(last!.bytesTotal).toBe(1_099_511_627_776 + 3 + 5_368_709_121 + 6_000_000_001 + 10);
    // Sparse local files: one exactly as big (skip), one a byte short (fetched again).
    const p0 = join(dir, 'sub-01', 'dwi', 'run-0_dwi.nii.gz');
    const p1 = join(dir, 'sub-01', 'dwi', 'run-1_dwi.nii.gz');
    mkdirSync(dirname(p0), { recursive: true });
    writeFileSync(p0, '');
    truncateSync(p0, BIG[0]!);
    writeFileSync(p1, '');
    truncateSync(p1, BIG[1]! - 1);
    const onDisk = await annotatePlan(plan, nodeFolderTarget(dir));
    expect(onDisk.entries.map((e) => e.action)).toEqual(['download', 'skip', 'overwrite', 'download']);
  });
});

describe('the folder itself', () => {
  it('deleted mid-run (Node): the run stops and says so, and the folder is not quietly made again', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 24; i++) files[`sub-01/func/run-${String(i).padStart(2, '0')}.bin`] = new Uint8Array(60_000).fill(i);
    await study('gone', files);
    const slow = await startProxy({ target: moto.endpoint });
    try {
      const s = await S3BIDSStudy.open({ bucket: B, s3Prefix: 'gone', client: createS3Client({ endpoint: slow.endpoint }), subjects: ['sub-01'] });
      const dir = tempDir();
      const { rmSync } = await import('node:fs');
      // Four runs arrive; the next ones wait at the proxy, so the folder goes while the save is mid-way
      // however fast or slow this machine is.
      slow.hold({ after: 4, keyPart: '/func/run-' });
      let fourSaved!: () => void;
      const saved = new Promise<void>((r) => (fourSaved = r));
      const running = s.download(dir, { concurrency: 2 }, { onProgress: (p) => void (p.filesDone >= 4 && fourSaved()) });
      await Promise.all([saved, slow.whenHeld(2)]);
      // Retries: a manifest or lock write may land while the tree is being removed.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      const removed = !existsSync(dir);
      slow.release();
      const report = await running;
      expect(removed).toBe(true);
      expect(report.stopped).toMatch(/moved or deleted/);
      expect(report.downloaded).toBeLessThan(Object.keys(files).length);
      expect(report.failed.some((f) => f.reason.startsWith('Not started:'))).toBe(true);
      expect(existsSync(dir)).toBe(false);
    } finally {
      await slow.stop();
    }
  });
});

describe('two savers, one folder', () => {
  it('a second run into a folder being saved is refused with Locked; the first finishes; then the second skips all', async () => {
    const slow = await startProxy({ target: moto.endpoint });
    try {
      const s = await S3BIDSStudy.open({ bucket: B, s3Prefix: 'slow', client: createS3Client({ endpoint: slow.endpoint }), subjects: ['sub-01'] });
      const dir = tempDir();
      // The first run's downloads wait at the proxy: it holds the folder while the second one tries.
      slow.hold({ keyPart: 'sub-01/' });
      const first = s.download(dir);
      await slow.whenHeld(1);
      const lock = JSON.parse(readFileSync(join(dir, LOCK_PATH), 'utf8'));
      expect(lock.owner).toMatch(/\w{8}/);
      const f = await failure((await open({ s3Prefix: 'slow', subjects: ['sub-01'] })).download(dir));
      expect(f.code).toBe('Locked');
      expect(f.message).toMatch(/already being saved into by another tab, window or program.*Wait for that save to finish or cancel it, or choose another folder/);
      slow.release();
      const r = await first;
      expect(r.failed).toEqual([]);
      expect(existsSync(join(dir, LOCK_PATH))).toBe(false);
      const second = await (await open({ s3Prefix: 'slow', subjects: ['sub-01'] })).download(dir);
      expect(second.skipped).toBe(r.downloaded);
    } finally {
      await slow.stop();
    }
  });

  it('a stale lock (no heartbeat for over 30 s) is taken over; a live one is kept; the lock is released after a cancel', async () => {
    const s = await open({ subjects: ['sub-01'] });
    const dir = tempDir();
    mkdirSync(join(dir, '.s3bids'));
    const stale = { owner: 'closed-tab', heartbeat: new Date(Date.now() - 45_000).toISOString(), startedAt: new Date(Date.now() - 600_000).toISOString() };
    writeFileSync(join(dir, LOCK_PATH), JSON.stringify(stale));
    const r = await s.download(dir);
    expect(r.failed).toEqual([]);
    expect(existsSync(join(dir, LOCK_PATH))).toBe(false);

    writeFileSync(join(dir, LOCK_PATH), JSON.stringify({ ...stale, heartbeat: new Date(Date.now() - 10_000).toISOString() }));
    expect((await failure(s.download(dir, { overwrite: true }))).message).toMatch(/active 10 s ago/);
    expect(readFileSync(join(dir, LOCK_PATH), 'utf8')).toContain('closed-tab');

    writeFileSync(join(dir, LOCK_PATH), JSON.stringify(stale));
    const ctl = new AbortController();
    ctl.abort();
    const cancelled = await s.download(dir, { overwrite: true }, { signal: ctl.signal });
    expect(cancelled.aborted).toBe(true);
    expect(existsSync(join(dir, LOCK_PATH))).toBe(false);
  });

  it('the heartbeat is refreshed while saving', async () => {
    const slow = await startProxy({ target: moto.endpoint });
    try {
      const s = await S3BIDSStudy.open({ bucket: B, s3Prefix: 'slow', client: createS3Client({ endpoint: slow.endpoint }), subjects: ['sub-01'] });
      const plan = await s.plan();
      const dir = tempDir();
      const beats = new Set<string>();
      // The save stays mid-way (its downloads wait at the proxy) until the lock shows a refreshed heartbeat.
      slow.hold({ keyPart: 'sub-01/' });
      const run = executePlan({ client: s.client, plan, target: nodeFolderTarget(dir), lock: { heartbeatMs: 100 }, mirrors: [] });
      const t = setInterval(() => {
        try {
          beats.add(JSON.parse(readFileSync(join(dir, LOCK_PATH), 'utf8')).heartbeat);
        } catch {
          // between writes
        }
      }, 40);
      await slow.whenHeld(1);
      await expect.poll(() => beats.size, { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
      slow.release();
      const r = await run;
      clearInterval(t);
      expect(r.failed).toEqual([]);
      expect(beats.size).toBeGreaterThanOrEqual(2);
    } finally {
      await slow.stop();
    }
  });

  it('another process holding the lock (another window, a script) refuses this one; once it releases, this one saves', async () => {
    const dir = tempDir();
    const root = resolve(import.meta.dirname, '../..');
    const script = join(mkdtempSync(join(tmpdir(), 's3bids-holder-')), 'hold.mts');
    writeFileSync(
      script,
      `import { acquireFolderLock } from ${JSON.stringify(join(root, 'src/lib/save/lock.ts'))};
import { nodeFolderTarget } from ${JSON.stringify(join(root, 'src/lib/save/node-folder.ts'))};
const lock = await acquireFolderLock(nodeFolderTarget(process.argv[2]!), { heartbeatMs: 200 });
console.log('held ' + lock.owner);
process.stdin.resume();
process.stdin.on('end', async () => { await lock.release(); console.log('released'); process.exit(0); });
`,
    );
    const child = spawn(join(root, 'node_modules/.bin/tsx'), [script, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    // Waits for the child's words, however long tsx takes to start here; fails at once if it exits.
    const saw = (text: string) =>
      new Promise<void>((ok, fail) => {
        const check = () => out.includes(text) && ok();
        child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), check()));
        child.on('close', (code) => fail(new Error(`child exited (${code}) before printing "${text}": ${out}`)));
        check();
      });
    try {
      await saw('held ');
      const owner = out.split('held ')[1]!.trim();
      expect(JSON.parse(readFileSync(join(dir, LOCK_PATH), 'utf8')).owner).toBe(owner);
      const s = await open({ subjects: ['sub-01'] });
      const f = await failure(s.download(dir));
      expect(f.code).toBe('Locked');
      expect(f.message).toMatch(/another tab, window or program/);
      expect(filesUnder(dir)).toEqual(['.s3bids/lock.json']);
      child.stdin!.end();
      await saw('released');
      const r = await s.download(dir);
      expect(r.failed).toEqual([]);
      expect(r.downloaded).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  });
});
