import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import type { DownloadPlan } from '../plan/index.ts';
import { createS3Client, listAll, objectUrl } from '../s3/index.ts';
import { awsCliScript, curlScript, encodeBatchKey, pyAfqScript, s3BatchManifestCsv, s5cmdRunFile, shellQuote, wholeSelection } from './index.ts';

const BUCKET = 'export-test';
const PREFIX = 'ds001';
// Keys a shell would mangle if quoting were wrong.
const RELS = [
  'sub-01/anat/sub-01_T1w.nii.gz',
  "sub-01/it's a $HOME `x` 'q' ünï©ødé.json",
  'sub-02/a,b;c&d e[g]{h}!%20+plus~#x.tsv',
];
let moto: Moto;
let plan: DownloadPlan;
const body = (rel: string) => `contents of ${rel}`;

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (const r of RELS) await moto.put(BUCKET, `${PREFIX}/${r}`, body(r));
  const objects = await listAll(createS3Client({ endpoint: moto.endpoint }), BUCKET, `${PREFIX}/`);
  plan = {
    bucket: BUCKET,
    prefix: PREFIX,
    entries: [
      ...objects.map((o) => ({ ...o, localPath: o.key.slice(PREFIX.length + 1), action: 'download' as const })),
      { size: 0, etag: '', localPath: 'dataset_description.json', action: 'generate' as const, content: `{"Name": "it's $x"}` },
      // Never written by any script.
      { key: `${PREFIX}/../evil`, size: 1, etag: '', localPath: '../evil', action: 'download' as const },
    ],
  };
});
afterAll(async () => moto?.stop());

const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-export-'));
const sh = (script: string, cwd: string, args: string[] = []) => {
  const file = join(cwd, 'script.sh');
  writeFileSync(file, script);
  return spawnSync('bash', [...args, file], { cwd, encoding: 'utf8', env: { ...process.env, HOME: '/nonexistent-home', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });
};
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

describe('exports', () => {
  it('shell-quotes any string so bash reads it back unchanged', () => {
    for (const s of RELS.concat(["'", "''", '', '$(rm -rf /)', '\\'])) {
      const out = spawnSync('bash', ['-c', `printf '%s' ${shellQuote(s)}`], { encoding: 'utf8' });
      expect(out.stdout).toBe(s);
    }
  });

  it('writes an AWS CLI script that parses and really downloads every object (moto)', () => {
    const script = awsCliScript(plan, { endpoint: moto.endpoint, region: 'us-east-1', directory: 'out' });
    expect(script).toContain('--no-sign-request');
    expect(script).toContain(`--endpoint-url '${moto.endpoint}'`);
    expect(script).not.toMatch(/secret|AKIA|testing/i);
    const dir = tempDir();
    expect(sh(script, dir, ['-n']).status).toBe(0);
    const res = sh(script, dir);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    for (const r of RELS) expect(readFileSync(join(dir, 'out', r), 'utf8')).toBe(body(r));
    expect(script).toContain('# not saved (the path has a ".." segment');
    expect(script).not.toMatch(/^aws .*evil/m);
    expect(readFileSync(join(dir, 'out', 'dataset_description.json'), 'utf8')).toBe(`{"Name": "it's $x"}`);
  });

  it('for a bucket that needs signing, the AWS CLI script uses the user’s own credentials (and holds none)', async () => {
    await moto.createBucket('export-private', { public: false });
    await moto.put('export-private', 'p/sub-01/a.txt', 'private bytes', { public: false });
    const signed = createS3Client({ endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const objects = await listAll(signed, 'export-private', 'p/');
    const priv: DownloadPlan = { bucket: 'export-private', prefix: 'p', entries: objects.map((o) => ({ ...o, localPath: o.key.slice(2), action: 'download' as const })) };
    const script = awsCliScript(priv, { endpoint: moto.endpoint, region: 'us-east-1', directory: 'out', signed: true });
    expect(script).not.toContain('--no-sign-request');
    expect(script).toContain('uses your own AWS credentials');
    expect(script).not.toMatch(/testing/);
    const dir = tempDir();
    const file = join(dir, 'script.sh');
    writeFileSync(file, script);
    const env = { ...process.env, HOME: '/nonexistent-home', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
    const res = spawnSync('bash', [file], { cwd: dir, encoding: 'utf8', env });
    expect(res.stderr).toBe('');
    expect(readFileSync(join(dir, 'out', 'sub-01/a.txt'), 'utf8')).toBe('private bytes');
    // The anonymous script is refused by the private bucket, which is why the flag matters.
    const anon = awsCliScript(priv, { endpoint: moto.endpoint, region: 'us-east-1', directory: 'anon' });
    writeFileSync(file, anon);
    expect(spawnSync('bash', [file], { cwd: dir, encoding: 'utf8', env }).status).not.toBe(0);
    expect(curlScript(priv, (k) => objectUrl(signed, 'export-private', k), { signed: true })).toMatch(/works only if the objects are public/);
  });

  it('exports the whole selection even when this browser already saved part of it', () => {
    const saved: DownloadPlan = { ...plan, entries: plan.entries.map((e) => (e.key && !e.key.includes('..') ? { ...e, action: 'skip' as const } : e)) };
    // Only the key a folder refuses is left (an S3-to-S3 copy holds every selected key).
    expect(s3BatchManifestCsv(saved)).toBe(`${BUCKET},${PREFIX}/../evil\n`);
    const all = wholeSelection(saved);
    expect(s3BatchManifestCsv(all).trim().split('\n')).toHaveLength(RELS.length + 1);
    expect(all.entries.find((e) => e.action === 'generate')).toBeDefined();
  });

  it('writes a curl script that parses and really downloads every object', () => {
    const client = createS3Client({ endpoint: moto.endpoint });
    const script = curlScript(plan, (k) => objectUrl(client, BUCKET, k));
    const dir = tempDir();
    expect(sh(script, dir, ['-n']).status).toBe(0);
    const res = sh(script, dir);
    expect(res.status, res.stderr).toBe(0);
    for (const r of RELS) expect(md5(readFileSync(join(dir, r)))).toBe(md5(body(r)));
  });

  it('writes an s5cmd run file whose lines split (sh rules) into cp, source, destination', () => {
    // moto cannot store a key with a line break; the run file must still not split it across lines.
    const withBreak = { key: `${PREFIX}/sub-03/line\nbreak.txt`, size: 1, etag: '', localPath: 'sub-03/line-break.txt', action: 'download' as const };
    const text = s5cmdRunFile({ ...plan, entries: [...plan.entries, withBreak] }, { endpoint: moto.endpoint });
    const commands = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    expect(commands).toHaveLength(RELS.length);
    for (const line of commands) {
      const words = spawnSync('bash', ['-c', `for w in ${line}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' }).stdout.split('\0').slice(0, -1);
      // A key with s5cmd wildcard characters is copied `--raw` (taken as it is).
      const raw = words[1] === '--raw' ? 1 : 0;
      expect(words).toHaveLength(3 + raw);
      expect(words[0]).toBe('cp');
      const rel = words[2 + raw]!.slice(2);
      expect(RELS).toContain(rel);
      expect(words[1 + raw]).toBe(`s3://${BUCKET}/${PREFIX}/${rel}`);
      expect(raw).toBe(/[*?[]/.test(rel) ? 1 : 0);
    }
    expect(text).toContain('# not expressible in a run file');
  });

  it('writes an S3 Batch Operations manifest that parses back to the same keys', () => {
    const csv = s3BatchManifestCsv(plan);
    const rows = Papa.parse<string[]>(csv.trim(), { header: false }).data;
    // Every selected key, also one a local folder refuses: the copy stays in S3.
    const keys = [...RELS.map((r) => `${PREFIX}/${r}`), `${PREFIX}/../evil`];
    expect(rows).toHaveLength(keys.length);
    expect(rows.map((r) => r[0])).toEqual(keys.map(() => BUCKET));
    expect(rows.map((r) => decodeURIComponent(r[1]!)).sort()).toEqual(keys.sort());
    expect(encodeBatchKey('a b/c,d')).toBe('a%20b/c%2Cd');
  });

  it('writes the pyAFQ call for a BIDS study and for an HBN site', () => {
    const bids = pyAfqScript({
      studyId: 'ds000114',
      bucket: 'openneuro.org',
      s3Prefix: 'ds000114',
      subjects: ['sub-01', 'sub-"02"'],
      randomSeed: 42,
      directory: '/data/ds000114',
      options: { includeDerivs: 'afq', includeModalityAgnostic: ['dataset_description.json', 'README'], suffix: '.nii.gz', verify: true },
    });
    expect(bids).toBe(
      [
        'from AFQ.data.s3bids import S3BIDSStudy',
        '',
        'study = S3BIDSStudy(',
        '    "ds000114",',
        '    "openneuro.org",',
        '    "ds000114",',
        '    subjects=["sub-01", "sub-\\"02\\""],',
        '    anon=True,',
        '    use_participants_tsv=False,',
        '    random_seed=42,',
        ')',
        'study.download(',
        '    "/data/ds000114",',
        '    include_modality_agnostic=["dataset_description.json", "README"],',
        '    include_derivs=["afq"],',
        '    include_derivs_dataset_description=True,',
        '    suffix=".nii.gz",',
        '    overwrite=False,',
        ')',
        '',
      ].join('\n'),
    );
    const hbn = pyAfqScript({ studyId: 'HBN', bucket: 'fcp-indi', s3Prefix: 'data/Projects/HBN/MRI', site: 'Site-SI', subjects: ['sub-NDARAA'], directory: 'hbn', options: { includeDerivs: true } });
    expect(hbn).toContain('from AFQ.data.s3bids import HBNSite');
    expect(hbn).toContain('study = HBNSite(\n    "Site-SI",\n    subjects=["sub-NDARAA"],');
    expect(hbn).toContain('include_modality_agnostic=False,');
    expect(hbn).toContain('include_derivs=True,');
    expect(hbn).not.toContain('suffix');
    // Choices pyAFQ cannot make are said, not dropped silently.
    const chosen = pyAfqScript({
      studyId: 'ds',
      bucket: 'b',
      s3Prefix: 'ds',
      subjects: ['sub-01'],
      directory: 'ds',
      options: { topLevelFiles: ['README.md', 'participants.tsv'], entities: { datatype: ['anat'], session: [] } },
    });
    expect(chosen).toContain('include_modality_agnostic=["README"],');
    expect(chosen).toContain('participants.tsv cannot be asked for here');
    expect(chosen).toContain('# pyAFQ has no BIDS entity filters');
    const none = pyAfqScript({ studyId: 'ds', bucket: 'b', s3Prefix: 'ds', subjects: ['sub-01'], directory: 'ds', options: { topLevelFiles: [], entities: { run: [] } } });
    expect(none).toContain('include_modality_agnostic=False,');
    expect(none).not.toContain('entity');
    const py = spawnSync('python3', ['-c', `import ast,sys; ast.parse(sys.stdin.read())`], { input: bids + hbn + chosen, encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
  });
});
