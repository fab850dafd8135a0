// exportText: every format from a plan (the whole selection, signed or not) and, without a listing, the
// whole study prefix; the AWS CLI scripts really run against moto.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CREDENTIALS, startMoto, type Moto } from '#harness/moto.ts';
import type { DownloadPlan } from '../plan/index.ts';
import { createS3Client, listAll, objectUrl } from '../s3/index.ts';
import type { StudyLocation } from '../s3/location.ts';
import { exportText, wholeStudyExport, type ExportFormat, type ExportRequest } from './formats.ts';
import { encodeBatchKey } from './s3-batch.ts';
import { shellQuote } from './shell-scripts.ts';

const BUCKET = 'formats-test';
const PREFIX = 'studies/ds9';
const RELS = ['sub-01/anat/sub-01_T1w.nii.gz', 'sub-02/anat/sub-02_T1w.nii.gz', "sub-02/it's odd.json"];
const FORMATS: ExportFormat[] = ['aws', 's5cmd', 'batch', 'curl', 'pyafq'];
let moto: Moto;
let plan: DownloadPlan;
let location: StudyLocation;

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (const r of RELS) await moto.put(BUCKET, `${PREFIX}/${r}`, `body of ${r}`);
  await moto.put(BUCKET, 'studies/other/x.txt', 'not this study');
  const objects = await listAll(createS3Client({ endpoint: moto.endpoint }), BUCKET, `${PREFIX}/`);
  // sub-01 was already saved by this browser: a tool elsewhere still needs it.
  plan = { bucket: BUCKET, prefix: PREFIX, entries: objects.map((o) => ({ ...o, localPath: o.key.slice(PREFIX.length + 1), action: o.key.includes('sub-01') ? ('skip' as const) : ('download' as const) })) };
  location = { bucket: BUCKET, prefix: PREFIX, endpoint: moto.endpoint, region: 'us-east-1', flavour: 'bids', studyId: 'ds9' };
});
afterAll(async () => moto?.stop());

const request = (format: ExportFormat, extra: Partial<ExportRequest> = {}): ExportRequest => ({
  format,
  location,
  plan,
  client: createS3Client({ endpoint: moto.endpoint }),
  subjects: ['sub-01', 'sub-02'],
  seed: 42,
  options: { includeDerivs: 'afq' },
  ...extra,
});

/** Runs a bash script in a fresh folder without any AWS credentials or config of the machine's. */
function runScript(script: string, env: Record<string, string> = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }) {
  const dir = mkdtempSync(join(tmpdir(), 's3bids-formats-'));
  writeFileSync(join(dir, 'script.sh'), script);
  const res = spawnSync('bash', ['script.sh'], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: '/nonexistent-home', ...env } });
  return { dir, ...res };
}

describe('exportText from a plan', () => {
  it('exports the whole selection into a folder named after the study, anonymously, and the AWS CLI script fetches it all', () => {
    const aws = exportText(request('aws'));
    expect(aws).toMatch(/^#!\/usr\/bin\/env bash\n# AWS CLI copy: 3 object\(s\)/);
    expect(aws).toContain(`--no-sign-request --endpoint-url '${moto.endpoint}' --region 'us-east-1'`);
    const res = runScript(aws);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    for (const r of RELS) expect(readFileSync(join(res.dir, 'ds9', r), 'utf8')).toBe(`body of ${r}`);
  });

  it('every format names every selected object, and none with a signed client writes a credential', () => {
    const signed = createS3Client({ endpoint: moto.endpoint, credentials: ADMIN_CREDENTIALS });
    for (const format of FORMATS) {
      const anon = exportText(request(format));
      const withKeys = exportText(request(format, { client: signed }));
      expect(withKeys, format).not.toMatch(/testing/);
      if (format === 'pyafq') {
        expect(anon).toContain('subjects=["sub-01", "sub-02"],');
        expect(anon).toContain('random_seed=42,');
        expect(anon).toContain('include_derivs=["afq"],');
        expect(anon).toContain('anon=True,');
        expect(withKeys).toContain('anon=False,');
        continue;
      }
      // Each object once, the one this browser already saved too; each in its tool's own quoting.
      const named = (r: string) => (format === 'batch' ? `${BUCKET},${encodeBatchKey(`${PREFIX}/${r}`)}` : shellQuote(`ds9/${r}`));
      for (const r of RELS) expect(anon.split(named(r)), `${format} ${r}`).toHaveLength(2);
      if (format === 'aws' || format === 's5cmd') {
        expect(anon, format).toContain('--no-sign-request');
        expect(withKeys, format).not.toContain('--no-sign-request');
      }
    }
    expect(exportText(request('curl'))).toContain(objectUrl(createS3Client({ endpoint: moto.endpoint }), BUCKET, `${PREFIX}/${RELS[0]}`));
    expect(exportText(request('curl', { client: signed }))).toContain('works only if the objects are public');
  });

  it('an HBN site becomes the HBNSite call', () => {
    const hbn = exportText(request('pyafq', { location: { ...location, flavour: 'hbn', site: 'Site-SI', studyId: 'HBN' } }));
    expect(hbn).toContain('study = HBNSite(\n    "Site-SI",');
  });
});

describe('exportText without a listing (no plan, or no client)', () => {
  it('copies the whole study prefix with the AWS CLI, and nothing beside it', () => {
    const aws = exportText(request('aws', { plan: undefined }));
    expect(aws).toBe(wholeStudyExport('aws', location));
    expect(aws).toContain('# The browser could not list this study, so this copies the whole study prefix.');
    const res = runScript(aws);
    expect(res.status, res.stderr).toBe(0);
    for (const r of RELS) expect(readFileSync(join(res.dir, 'ds9', r), 'utf8')).toBe(`body of ${r}`);
    expect(spawnSync('find', ['.', '-type', 'f'], { cwd: join(res.dir, 'ds9'), encoding: 'utf8' }).stdout.trim().split('\n')).toHaveLength(RELS.length);
  });

  it('gives the s5cmd command and the pyAFQ call for the whole study, and says per-file formats need the listing', () => {
    const s5 = exportText(request('s5cmd', { client: undefined }));
    expect(s5).toContain(`# Run: s5cmd --no-sign-request --endpoint-url '${moto.endpoint}' cp 's3://${BUCKET}/${PREFIX}/*' 'ds9/'`);
    const py = exportText(request('pyafq', { plan: undefined }));
    expect(py).toContain(`study = S3BIDSStudy("ds9", "${BUCKET}", "${PREFIX}", subjects="all", anon=True)`);
    const parsed = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: py, encoding: 'utf8' });
    expect(parsed.status, parsed.stderr).toBe(0);
    expect(exportText(request('curl', { plan: undefined }))).toContain('A per-file curl script needs the listing');
    expect(exportText(request('batch', { plan: undefined }))).toContain('A per-file manifest needs the listing');
    // The bucket root: no prefix, no doubled slash.
    const { endpoint: _custom, ...onAws } = location;
    expect(wholeStudyExport('aws', { ...onAws, prefix: '' })).toContain(`--no-sign-request --recursive 's3://${BUCKET}/' 'ds9/'`);
  });
});

describe('requester pays (docs/real-s3.md, "Requester pays")', () => {
  it('the AWS CLI script signs and says --request-payer requester, for a selection and for the whole prefix', () => {
    // Running it through the realistic-S3 layer is not done here yet: the AWS CLI stalled on the layer's
    // answers on the shared test machine (see the branch report); the header itself is tested in
    // tests/integration/real-s3.test.ts through the SDK.
    const loc = { ...location, requesterPays: true };
    const paying = createS3Client({ endpoint: moto.endpoint, credentials: ADMIN_CREDENTIALS, requesterPays: true });
    const aws = exportText(request('aws', { location: loc, client: paying }));
    expect(aws).toContain(`--endpoint-url '${moto.endpoint}' --region 'us-east-1' --request-payer requester --only-show-errors`);
    expect(aws).toContain('# Requester pays: your AWS account is charged');
    expect(aws).not.toContain('--no-sign-request');
    const whole = wholeStudyExport('aws', loc);
    expect(whole).toContain(`aws s3 cp --request-payer requester --endpoint-url '${moto.endpoint}' --recursive`);
    expect(spawnSync('bash', ['-n'], { input: aws, encoding: 'utf8' }).status).toBe(0);
  });

  it('s5cmd gets the global --request-payer flag, curl the header and a warning, pyAFQ a comment that it cannot', () => {
    const paying = createS3Client({ endpoint: moto.endpoint, credentials: ADMIN_CREDENTIALS, requesterPays: true });
    const loc = { ...location, requesterPays: true };
    const s5 = exportText(request('s5cmd', { location: loc, client: paying }));
    expect(s5).toContain(`# Run: s5cmd --endpoint-url '${moto.endpoint}' --request-payer requester run 's3bids-ds9.s5cmd'`);
    expect(wholeStudyExport('s5cmd', loc)).toContain(`# Run: s5cmd --request-payer requester --endpoint-url '${moto.endpoint}' cp`);
    const curl = exportText(request('curl', { location: loc, client: paying }));
    expect(curl).toContain(`-H 'x-amz-request-payer: requester' --create-dirs`);
    expect(curl).toContain('S3 refuses unsigned requests to this bucket');
    const py = exportText(request('pyafq', { location: loc, client: paying }));
    expect(py).toContain('# Requester pays: pyAFQ cannot send RequestPayer="requester"');
    const wholePy = wholeStudyExport('pyafq', loc);
    expect(wholePy).toContain('# Requester pays: pyAFQ cannot');
    for (const text of [py, wholePy]) {
      const parsed = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' });
      expect(parsed.status, parsed.stderr).toBe(0);
    }
    // Without the option, no format mentions it.
    for (const format of FORMATS) expect(exportText(request(format)), format).not.toMatch(/request-payer|Requester pays/i);
  });
});
