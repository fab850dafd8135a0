import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import type { DownloadPlan } from '../plan/index.ts';
import { createS3Client, listAll } from '../s3/index.ts';
import { executePlan, type ExecuteOptions } from './executor.ts';
import { nodeFolderTarget } from './node-folder.ts';
import type { DownloadProgress } from './types.ts';

const BUCKET = 'save-test';
const PREFIX = 'study';
let moto: Moto;
let proxy: Proxy;
const bodies = new Map<string, Buffer>();

// Big enough that a throttled proxy leaves time to act mid-transfer, small enough for moto.
const FILES: Record<string, number> = {
  'sub-01/anat/sub-01_T1w.nii.gz': 3_000_000,
  'sub-01/dwi/sub-01_dwi.nii.gz': 2_500_000,
  'sub-02/anat/sub-02_T1w.nii.gz': 2_000_000,
  'sub-02/anat/with space+plus%pct $HOME \'q\' ünï.json': 1234,
  'dataset_description.json': 80,
  'empty.txt': 0,
};

async function put(key: string, body: Buffer) {
  bodies.set(key, body);
  await moto.put(BUCKET, key, body);
}

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (const [rel, size] of Object.entries(FILES)) await put(`${PREFIX}/${rel}`, randomBytes(size));
  proxy = await startProxy({ target: moto.endpoint });
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});
beforeEach(() => {
  proxy.setFault(undefined);
  proxy.resetStats();
});

/** A plan as the study model makes one: every key under the prefix, the prefix stripped from its start. */
async function makePlan(endpoint = proxy.endpoint, prefix = PREFIX): Promise<DownloadPlan> {
  const objects = await listAll(createS3Client({ endpoint }), BUCKET, `${prefix}/`);
  return {
    bucket: BUCKET,
    prefix,
    entries: objects.map((o) => ({ ...o, localPath: o.key.slice(prefix.length + 1), action: 'download' as const })),
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-save-'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function expectSaved(dir: string, rels = Object.keys(FILES)) {
  for (const rel of rels) {
    const file = join(dir, ...rel.split('/'));
    expect(existsSync(file), rel).toBe(true);
    expect(sha(readFileSync(file)), rel).toBe(sha(bodies.get(`${PREFIX}/${rel}`)!));
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile());
}

function run(dir: string, plan: DownloadPlan, extra: Partial<ExecuteOptions> = {}) {
  const client = createS3Client({ endpoint: proxy.endpoint });
  return executePlan({ client, plan, target: nodeFolderTarget(dir), retryBaseMs: 50, retryMaxMs: 400, ...extra });
}

describe('executePlan into a Node folder', () => {
  it('saves every file byte for byte, writes the manifest, leaves no partial file, and reports progress', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    const seen: DownloadProgress[] = [];
    const report = await run(dir, plan, { control: { onProgress: (p) => seen.push(p) }, progressIntervalMs: 20 });
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toBe(plan.entries.length);
    expect(report.aborted).toBe(false);
    expect(report.bytes).toBe(Object.values(FILES).reduce((a, b) => a + b, 0));
    expectSaved(dir);
    expect(filesUnder(join(dir, '.s3bids', 'partial'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, '.s3bids', 'manifest.json'), 'utf8'));
    expect(manifest.study).toMatchObject({ bucket: BUCKET, prefix: PREFIX, endpoint: proxy.endpoint });
    const rec = manifest.files['sub-01/anat/sub-01_T1w.nii.gz'];
    expect(rec).toMatchObject({ key: `${PREFIX}/sub-01/anat/sub-01_T1w.nii.gz`, size: FILES['sub-01/anat/sub-01_T1w.nii.gz'] });
    expect(rec.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(rec.savedAt)).toBeGreaterThan(0);
    const last = seen[seen.length - 1]!;
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(last.filesDone).toBe(plan.entries.length);
    expect(last.active).toEqual([]);
  });

  it('skips everything on a second run and fetches no object body', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    await run(dir, plan);
    proxy.resetStats();
    const again = await run(dir, plan);
    expect(again.skipped).toBe(plan.entries.length);
    expect(again.downloaded).toBe(0);
    expect(proxy.stats.bodyGets).toBe(0);
    expect(proxy.stats.requests).toBe(0);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const slow = await startProxy({ target: moto.endpoint, delayMs: 30 });
    try {
      const dir = tempDir();
      const plan = await makePlan(slow.endpoint);
      slow.resetStats();
      const report = await executePlan({ client: createS3Client({ endpoint: slow.endpoint }), plan, target: nodeFolderTarget(dir), concurrency: 2 });
      expect(report.failed).toEqual([]);
      expect(slow.stats.maxInFlight).toBe(2);
    } finally {
      await slow.stop();
    }
  });

  it('spreads requests over mirror clients (a second hostname) with concurrency growing per host', async () => {
    const second = await startProxy({ target: moto.endpoint, delayMs: 30 });
    const first = await startProxy({ target: moto.endpoint, delayMs: 30 });
    try {
      const dir = tempDir();
      const plan = await makePlan();
      const report = await executePlan({
        client: createS3Client({ endpoint: first.endpoint }),
        mirrors: [createS3Client({ endpoint: second.endpoint })],
        plan,
        target: nodeFolderTarget(dir),
      });
      expect(report.failed).toEqual([]);
      expectSaved(dir);
      // Three files per host; a request retried after a dropped keep-alive connection may add one.
      expect(first.stats.bodyGets).toBeGreaterThanOrEqual(3);
      expect(second.stats.bodyGets).toBeGreaterThanOrEqual(3);
      expect(first.stats.bodyGets + second.stats.bodyGets).toBeLessThanOrEqual(8);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('saves from a private bucket with a signed client (credentials stay out of the manifest)', async () => {
    await moto.createBucket('save-private', { public: false });
    const body = randomBytes(300_000);
    await moto.put('save-private', 'p/sub-01/x.nii.gz', body, { public: false });
    const plan: DownloadPlan = { bucket: 'save-private', prefix: 'p', entries: [{ key: 'p/sub-01/x.nii.gz', size: body.length, etag: '', localPath: 'sub-01/x.nii.gz', action: 'download' }] };
    const dir = tempDir();
    const anon = await run(dir, plan);
    expect(anon.failed[0]!.reason).toMatch(/denied/i);
    const signed = createS3Client({ endpoint: proxy.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'S3CR3T-KEY' } });
    const report = await executePlan({ client: signed, plan, target: nodeFolderTarget(dir), manifestMeta: { studyId: 'private' } });
    expect(report.failed).toEqual([]);
    expect(sha(readFileSync(join(dir, 'sub-01', 'x.nii.gz')))).toBe(sha(body));
    expect(readFileSync(join(dir, '.s3bids', 'manifest.json'), 'utf8')).not.toMatch(/S3CR3T|testing/);
  });

  it('refuses unsafe local paths, writes generated entries, and never writes outside the folder', async () => {
    const dir = tempDir();
    const key = `${PREFIX}/dataset_description.json`;
    const o = { key, size: FILES['dataset_description.json']!, etag: '', action: 'download' as const };
    const plan: DownloadPlan = {
      bucket: BUCKET,
      prefix: PREFIX,
      entries: [
        { ...o, localPath: '../escape.json' },
        { ...o, localPath: '/abs.json' },
        { ...o, localPath: 'a//b.json' },
        { ...o, localPath: 'a/con.json' },
        { ...o, localPath: '.s3bids/manifest.json' },
        { ...o, localPath: 'ok.json', refused: 'the key is odd' },
        { key: undefined, size: 0, etag: '', localPath: 'gen/dataset_description.json', action: 'generate', content: '{"Name":"x"}' },
        { ...o, localPath: 'gen/dataset_description.json' },
      ],
    };
    const report = await run(dir, plan);
    expect(report.entries.map((e) => e.status)).toEqual(['refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'generated', 'refused']);
    expect(report.failed).toHaveLength(7);
    expect(report.failed[6]!.reason).toMatch(/same path/);
    expect(report.failed[0]!.reason).toMatch(/\.\./);
    expect(readFileSync(join(dir, 'gen', 'dataset_description.json'), 'utf8')).toBe('{"Name":"x"}');
    expect(existsSync(join(dir, '..', 'escape.json'))).toBe(false);
    expect(filesUnder(dir).sort()).toEqual(['.s3bids/manifest.json', 'gen/dataset_description.json']);
  });

  it('reports a missing object with its reason and still saves the others', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    plan.entries.push({ key: `${PREFIX}/gone.nii.gz`, size: 10, etag: '', localPath: 'gone.nii.gz', action: 'download' });
    const report = await run(dir, plan);
    expect(report.failed.map((f) => f.key)).toEqual([`${PREFIX}/gone.nii.gz`]);
    expect(report.failed[0]!.reason).toMatch(/not found/i);
    expect(proxy.stats.perKey.get(`${PREFIX}/gone.nii.gz`)!.requests).toBe(1);
    expectSaved(dir);
  });
});
