// The AWS CLI export as an aws-cli user would write it: one `aws s3 sync` per subject folder whose
// filters fetch exactly the plan's files. The scripts really run with the installed `aws` against moto
// and the downloaded files are compared with the plan, file set and bytes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { bidsStudy, seedFiles, type FixtureFile } from '#harness/fixtures/index.ts';
import { S3BIDSStudy } from '../bids/index.ts';
import { unsafePathReason, type DownloadOptions, type DownloadPlan } from '../plan/index.ts';
import { createS3Client, listStudy } from '../s3/index.ts';
import type { StudyListing } from '../s3/types.ts';
import { awsFiltersSelect, fnmatchRegExp, subjectFolderOf, syncFilters } from './aws-filters.ts';
import { exportFileName } from './folder-name.ts';
import { exportText, wholeSelection } from './index.ts';
import { awsCliScript, s5cmdRunFile } from './shell-scripts.ts';

const BUCKET = 'aws-sync';
let moto: Moto;
const bodies = new Map<string, Uint8Array | string>();

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  const put = async (prefix: string, files: FixtureFile[]) => {
    await seedFiles(moto, BUCKET, prefix, files);
    for (const f of files) bodies.set(`${prefix}/${f.key}`, f.body);
  };
  await put('ds', await bidsStudy());
  // Keys a filter would misread: `[`, `*` and `?` are fnmatch wildcards.
  await put('wild', [
    { key: 'dataset_description.json', body: '{"Name": "wild", "BIDSVersion": "1.8.0"}', role: 'top' },
    { key: 'sub-01/anat/sub-01_T1w.nii.gz', body: 'plain', role: 'subject', subject: 'sub-01' },
    { key: 'sub-01/anat/sub-01_acq-[x]_T1w.nii.gz', body: 'bracket', role: 'subject', subject: 'sub-01' },
    { key: 'sub-01/anat/sub-01_acq-*_T1w.json', body: 'star', role: 'subject', subject: 'sub-01' },
    { key: 'sub-02/anat/sub-02_T1w.nii.gz', body: 'two', role: 'subject', subject: 'sub-02' },
    { key: 'sub-02/anat/sub-02_T2w.nii.gz', body: 'two-t2', role: 'subject', subject: 'sub-02' },
  ]);
});
afterAll(async () => moto?.stop());

const client = () => createS3Client({ endpoint: moto.endpoint });

async function planAndListing(prefix: string, opts: DownloadOptions): Promise<{ plan: DownloadPlan; listing: StudyListing }> {
  const listing = await listStudy(client(), BUCKET, prefix);
  const study = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: prefix, client: client(), subjects: 'all', listing });
  return { plan: wholeSelection(await study.plan(opts)), listing };
}

function walk(dir: string, base = dir, out = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, base, out);
    else out.set(p.slice(base.length + 1), readFileSync(p));
  }
  return out;
}

function run(script: string) {
  const dir = mkdtempSync(join(tmpdir(), 's3bids-aws-sync-'));
  const file = join(dir, 'script.sh');
  writeFileSync(file, script);
  const env = { ...process.env, HOME: '/nonexistent-home', AWS_ACCESS_KEY_ID: 'dummy', AWS_SECRET_ACCESS_KEY: 'dummy', AWS_EC2_METADATA_DISABLED: 'true', AWS_DEFAULT_REGION: 'us-east-1' };
  const res = spawnSync('bash', [file], { cwd: dir, encoding: 'utf8', env });
  return { res, files: walk(join(dir, 'out')) };
}

/** Runs the AWS CLI script and checks the folder holds exactly the plan's files, byte for byte. */
function expectSameAsPlan(plan: DownloadPlan, script: string) {
  const { res, files } = run(script);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  const expected = plan.entries.filter((e) => e.action !== 'skip' && !e.refused && !unsafePathReason(e.localPath));
  expect([...files.keys()].sort()).toEqual(expected.map((e) => e.localPath).sort());
  for (const e of expected) {
    const got = files.get(e.localPath)!;
    if (e.key) expect(Buffer.compare(got, Buffer.from(bodies.get(e.key)!)), e.localPath).toBe(0);
    else expect(got.toString('utf8')).toBe(e.content);
  }
}

const syncLines = (script: string) => script.split('\n').filter((l) => l.startsWith('aws s3 sync'));
const cpLines = (script: string) => script.split('\n').filter((l) => l.startsWith('aws s3 cp'));
const target = () => ({ endpoint: moto.endpoint, region: 'us-east-1', directory: 'out' });

describe('AWS CLI filters, as the AWS CLI reads them', () => {
  it('matches like Python fnmatch: `*` across `/`, `?` one character, [seq] and [!seq]', () => {
    expect(fnmatchRegExp('b/p/*_T1w.nii.gz').test('b/p/ses-1/anat/sub-01_T1w.nii.gz')).toBe(true);
    expect(fnmatchRegExp('b/p/a?c').test('b/p/abc')).toBe(true);
    expect(fnmatchRegExp('b/p/a?c').test('b/p/ac')).toBe(false);
    expect(fnmatchRegExp('b/p/[ab]x').test('b/p/bx')).toBe(true);
    expect(fnmatchRegExp('b/p/[!ab]x').test('b/p/bx')).toBe(false);
    expect(fnmatchRegExp('b/p/[x').test('b/p/[x')).toBe(true);
    expect(fnmatchRegExp('b/p/a.b').test('b/p/aXb')).toBe(false);
  });

  it('lets the last matching filter decide, starting from included', () => {
    const f = [['exclude', '*'], ['include', '*.json'], ['exclude', 'anat/*']] as const;
    expect(awsFiltersSelect(f, 'b/p/sub-01/', 'func/x.json')).toBe(true);
    expect(awsFiltersSelect(f, 'b/p/sub-01/', 'anat/x.json')).toBe(false);
    expect(awsFiltersSelect(f, 'b/p/sub-01/', 'func/x.nii')).toBe(false);
    expect(awsFiltersSelect([], 'b/p/sub-01/', 'func/x.nii')).toBe(true);
  });

  it('finds subject folders, raw and in derivatives', () => {
    expect(subjectFolderOf('sub-01/ses-1/anat/x.nii')).toBe('sub-01/');
    expect(subjectFolderOf('derivatives/afq/sub-010/x.csv')).toBe('derivatives/afq/sub-010/');
    expect(subjectFolderOf('derivatives/afq/sub-01.html')).toBeUndefined();
    expect(subjectFolderOf('participants.tsv')).toBeUndefined();
    expect(subjectFolderOf('code/sub-01/x')).toBeUndefined();
  });

  it('chooses filters that select exactly the wanted files, or none when a name holds a wildcard', () => {
    const all = ['anat/s_T1w.nii.gz', 'anat/s_T1w.json', 'dwi/s_dwi.nii.gz', 'dwi/s_dwi.json'];
    expect(syncFilters('b/p/sub-01/', all, new Set(all))).toEqual([]);
    expect(syncFilters('b/p/sub-01/', all, new Set(['anat/s_T1w.nii.gz', 'dwi/s_dwi.nii.gz']))).toEqual([['exclude', '*.json']]);
    const f = syncFilters('b/p/sub-01/', all, new Set(['anat/s_T1w.nii.gz']))!;
    for (const r of all) expect(awsFiltersSelect(f, 'b/p/sub-01/', r)).toBe(r === 'anat/s_T1w.nii.gz');
    expect(syncFilters('b/p[1]/sub-01/', all, new Set(all))).toBeUndefined();
  });
});

// Each `aws` start takes seconds on a busy two-core machine: these wait for the scripts, however long.
describe('AWS CLI export, run with the real aws against moto', { timeout: 600_000 }, () => {
  it('the BIDS fixture with default options: one sync per subject folder, exactly the plan', async () => {
    const { plan, listing } = await planAndListing('ds', {});
    const script = awsCliScript(plan, target(), listing.keys);
    const folders = new Set(plan.entries.flatMap((e) => (e.key ? [subjectFolderOf(e.localPath)] : [])).filter((f) => f !== undefined));
    expect(syncLines(script)).toHaveLength(folders.size);
    expect(folders.size).toBeGreaterThan(0);
    expectSameAsPlan(plan, script);
  });

  it('the BIDS fixture with derivatives and excluded suffixes: filters reproduce the plan', async () => {
    const { plan, listing } = await planAndListing('ds', { includeDerivs: true, exclude: ['*.json', '*_bold.nii.gz'] });
    const script = awsCliScript(plan, target(), listing.keys);
    expect(script).toMatch(/^aws s3 sync .*'s3:\/\/aws-sync\/ds\/derivatives\/afq\/sub-01\/'/m);
    expect(script).toMatch(/--exclude '\*'|--exclude '\*\.json'/);
    // Only files outside subject folders are copied one by one.
    for (const l of cpLines(script)) expect(l).not.toMatch(/\/ds\/(derivatives\/[^/']+\/)?sub-[^/']+\//);
    expectSameAsPlan(plan, script);
  });

  it('keys holding `[` or `*` are copied one by one; the rest of their folder still syncs', async () => {
    const { plan, listing } = await planAndListing('wild', {});
    const script = awsCliScript(plan, target(), listing.keys);
    expect(plan.entries.filter((e) => /[[*]/.test(e.localPath))).toHaveLength(2);
    expect(cpLines(script).some((l) => l.includes('sub-01_acq-[x]_T1w.nii.gz'))).toBe(true);
    // `*` is refused by file systems (docs/folders.md): listed as not saved, fetched by no line.
    expect(script).toMatch(/^# not saved .*sub-01_acq-\*_T1w\.json"$/m);
    expect(script.split('\n').filter((l) => !l.startsWith('#') && l.includes('acq-*'))).toEqual([]);
    for (const l of syncLines(script)) expect(l).not.toMatch(/acq-\[x\]|acq-\*/);
    expectSameAsPlan(plan, script);
    // A plan taking only one of sub-02's files.
    const one = { ...plan, entries: plan.entries.filter((e) => !e.localPath.endsWith('sub-02_T2w.nii.gz')) };
    const s2 = awsCliScript(one, target(), listing.keys);
    expect(s2).toMatch(/sync .*'s3:\/\/aws-sync\/wild\/sub-02\/'.*--(ex|in)clude/);
    expectSameAsPlan(one, s2);
  });

  it('without a listing every file is its own aws s3 cp', async () => {
    const whole = (await planAndListing('ds', {})).plan;
    const plan = { ...whole, entries: whole.entries.filter((e) => e.localPath.startsWith('sub-03/anat/')) };
    const script = awsCliScript(plan, target());
    expect(syncLines(script)).toHaveLength(0);
    expectSameAsPlan(plan, script);
  });

  it('a failed folder does not stop the others, and is listed at the end', async () => {
    const { plan, listing } = await planAndListing('ds', {});
    const script = awsCliScript({ ...plan, bucket: BUCKET }, target(), listing.keys).replace(/'s3:\/\/aws-sync\/ds\/sub-02\/'/, `'s3://no-such-bucket-here/ds/sub-02/'`);
    const { res, files } = run(script);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/file\(s\) failed:\n {2}sub-02\/ \(some of its/);
    expect([...files.keys()].some((p) => p.startsWith('sub-03/'))).toBe(true);
  });
});

describe('the s5cmd run file', () => {
  it('names the file it is in, in its header and its Run line', async () => {
    const { plan, listing } = await planAndListing('ds', {});
    const text = exportText({
      format: 's5cmd',
      location: { bucket: BUCKET, prefix: 'ds', studyId: 'ds001', endpoint: moto.endpoint, flavour: 'bids' },
      plan,
      client: client(),
      subjects: [],
      listing,
    });
    expect(exportFileName('s5cmd', 'ds001')).toBe('s3bids-ds001.s5cmd');
    expect(text.split('\n')[0]).toMatch(/^# s5cmd run s3bids-ds001\.s5cmd: \d+ object\(s\)/);
    expect(text).toMatch(/^# Run: s5cmd --no-sign-request --endpoint-url '[^']+' run 's3bids-ds001\.s5cmd'$/m);
    expect(s5cmdRunFile(plan, { fileName: 'x.s5cmd' }).split('\n')[0]).toMatch(/^# s5cmd run x\.s5cmd:/);
  });
});
