// Verification that ends (docs/contract.md, "Overwrite, skip, resume, verify"; docs/real-s3.md, "Checksums"):
// through the fault proxy in front of the realistic-S3 layer in front of moto, each file is checked by a
// whole-object checksum S3 keeps, by MD5 when its ETag is one, or by size only, and the report says which;
// a complete body that does not check out is fetched afresh once, then the file fails.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMoto, ADMIN_CREDENTIALS, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { startRealS3, type BucketBehaviour, type RealS3 } from '#harness/real-s3.ts';
import type { DownloadPlan } from '../plan/index.ts';
import { createS3Client, getObject, listAll } from '../s3/index.ts';
import { executePlan } from './executor.ts';
import { emptyManifest, readManifest, serializeManifest } from './manifest.ts';
import { MANIFEST_PATH, partialPath } from './app-folder.ts';
import { nodeFolderTarget } from './node-folder.ts';

const PREFIX = 'ds';
const FILES = ['sub-01/anat/sub-01_T1w.nii.gz', 'sub-01/func/sub-01_bold.nii.gz', 'sub-02/anat/sub-02_T1w.nii.gz'];
const SIZE = 300_000;
const BUCKETS: Record<string, BucketBehaviour> = {
  plain: {},
  kms: { etag: 'sse-kms' },
  ssec: { etag: 'sse-c' },
  multipart: { etag: 'multipart' },
  sha256: { etag: 'multipart', checksum: 'sha256' },
  sha1: { etag: 'sse-kms', checksum: 'sha1' },
  crc32: { etag: 'multipart', checksum: 'crc32' },
  crc32c: { checksum: 'crc32c' },
  composite: { etag: 'multipart', checksum: 'composite' },
};

let moto: Moto;
let proxy: Proxy;
let s3: RealS3;
const bodies = new Map<string, Buffer>();

beforeAll(async () => {
  moto = await startMoto();
  for (const b of Object.keys(BUCKETS)) {
    await moto.createBucket(b);
    for (const f of FILES) {
      const body = randomBytes(SIZE);
      bodies.set(`${b}/${f}`, body);
      await moto.put(b, `${PREFIX}/${f}`, body);
    }
  }
  // The fault proxy in front: it damages bodies after S3 (the layer) worked out their checksums.
  s3 = await startRealS3({ target: moto.endpoint, buckets: BUCKETS });
  proxy = await startProxy({ target: s3.endpoint });
});
afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
  await moto?.stop();
});
beforeEach(() => {
  proxy.setFault(undefined);
  proxy.resetStats();
});

const signed = () => createS3Client({ endpoint: proxy.endpoint, credentials: ADMIN_CREDENTIALS });
const anonymous = () => createS3Client({ endpoint: proxy.endpoint });
const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-verify-'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const local = (dir: string, p: string) => join(dir, ...p.split('/'));
// Bodies the proxy relayed to their end for a key: a request the network made the SDK retry does not count.
const downloads = (key: string) => proxy.stats.perKey.get(key)?.bodies ?? 0;

/** The plan as the app makes it: listed through the layer, so its ETags are the ones S3 would list. */
async function makePlan(bucket: string): Promise<DownloadPlan> {
  const objects = await listAll(anonymous(), bucket, `${PREFIX}/`);
  return { bucket, prefix: PREFIX, entries: objects.map((o) => ({ ...o, localPath: o.key.slice(PREFIX.length + 1), action: 'download' as const })) };
}

async function save(bucket: string, opts: { anon?: boolean; verify?: boolean } = {}) {
  const dir = tempDir();
  const report = await executePlan({
    client: opts.anon ? anonymous() : signed(),
    plan: await makePlan(bucket),
    target: nodeFolderTarget(dir),
    verify: opts.verify ?? true,
    retryBaseMs: 5,
    retryMaxMs: 20,
  });
  return { dir, report };
}

function expectAllSaved(dir: string, bucket: string) {
  for (const f of FILES) expect(sha(readFileSync(local(dir, f))), f).toBe(sha(bodies.get(`${bucket}/${f}`)!));
}

describe('each file is checked the best way S3 allows, and the report says how', () => {
  it.each<[string, string]>([
    ['plain', 'md5'],
    ['kms', 'size'],
    ['ssec', 'size'],
    ['multipart', 'size'],
    ['sha256', 'sha256'],
    ['sha1', 'sha1'],
    ['crc32', 'crc32'],
    ['crc32c', 'crc32c'],
    ['composite', 'size'],
  ])('%s bucket: by %s, one GET per file', async (bucket, method) => {
    const { dir, report } = await save(bucket);
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toBe(FILES.length);
    expectAllSaved(dir, bucket);
    expect(report.verify).toBe(true);
    expect(report.verifiedBy).toEqual({ [method]: FILES.length });
    expect(report.entries.map((e) => e.verifiedBy)).toEqual(FILES.map(() => method));
    // A file whose ETag is not an MD5 is never fetched again and again.
    for (const f of FILES) expect(downloads(`${PREFIX}/${f}`), f).toBe(1);
    const m = await readManifest(nodeFolderTarget(dir));
    for (const f of FILES) expect(m.files[f]?.verifiedBy, f).toBe(method);
  });

  it('an anonymous client sends no checksum header (a browser would need a preflight), so it checks by MD5 or size', async () => {
    const { report } = await save('sha256', { anon: true });
    expect(report.failed).toEqual([]);
    expect(report.verifiedBy).toEqual({ size: FILES.length });
    expect((await save('crc32c', { anon: true })).report.verifiedBy).toEqual({ md5: FILES.length });
  });

  it('without verification every file is checked by size only, and says so', async () => {
    const { report } = await save('sha256', { verify: false });
    expect(report.verify).toBe(false);
    expect(report.verifiedBy).toEqual({ size: FILES.length });
  });

  it('a signed GetObject asks for checksum mode and reads the checksum S3 sends', async () => {
    const res = await getObject(signed(), 'crc32', `${PREFIX}/${FILES[0]}`, { checksums: true });
    await res.body.cancel();
    expect(res.checksums.crc32).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    const kms = await getObject(signed(), 'kms', `${PREFIX}/${FILES[0]}`);
    await kms.body.cancel();
    expect(kms.encryption).toBe('aws:kms');
    expect(kms.checksums).toEqual({});
  });
});

describe('a complete body that does not check out: one fresh download, then the file fails', () => {
  it.each<[string, string]>([
    ['plain', 'MD5'],
    ['sha256', 'SHA-256 checksum'],
    ['crc32', 'CRC32 checksum'],
  ])('%s bucket, every body corrupted: exactly two downloads, a clear reason, the others saved', async (bucket, name) => {
    const key = `${PREFIX}/${FILES[1]}`;
    proxy.setFault((req) => (req.method === 'GET' && req.key === key ? 'corrupt' : undefined));
    const { dir, report } = await save(bucket);
    expect(downloads(key)).toBe(2);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.localPath).toBe(FILES[1]);
    expect(report.failed[0]!.reason).toContain(`failed its ${name} check`);
    expect(report.failed[0]!.reason).toContain('a fresh download came out wrong too');
    expect(existsSync(local(dir, FILES[1]!))).toBe(false);
    expect(report.downloaded).toBe(FILES.length - 1);
  });

  it('a body corrupted once is fetched afresh and saved', async () => {
    const key = `${PREFIX}/${FILES[0]}`;
    let hits = 0;
    proxy.setFault((req) => (req.method === 'GET' && req.key === key && hits++ < 1 ? 'corrupt' : undefined));
    const { dir, report } = await save('sha256');
    expect(report.failed).toEqual([]);
    expect(downloads(key)).toBe(2);
    expectAllSaved(dir, 'sha256');
    expect(report.verifiedBy).toEqual({ sha256: FILES.length });
  });

  it('a size-only file with a corrupted body is saved as is: nothing could tell (the report says size only)', async () => {
    const key = `${PREFIX}/${FILES[0]}`;
    proxy.setFault((req) => (req.method === 'GET' && req.key === key ? 'corrupt' : undefined));
    const { report } = await save('kms');
    expect(report.failed).toEqual([]);
    expect(downloads(key)).toBe(1);
    expect(report.verifiedBy).toEqual({ size: FILES.length });
  });
});

describe('a resumed file keeps the check chosen at its first GET (a Range answer carries no checksum)', () => {
  /** A folder holding the first `have` bytes of the first file and the manifest's record of them. */
  async function leavePartial(bucket: string, have: number, expected: string) {
    const dir = tempDir();
    const plan = await makePlan(bucket);
    const e = plan.entries[0]!;
    const file = local(dir, partialPath(e.localPath));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bodies.get(`${bucket}/${e.localPath}`)!.subarray(0, have));
    const m = emptyManifest();
    m.partial[e.localPath] = { key: e.key!, etag: e.etag, size: e.size, check: { method: 'sha256', expected } };
    mkdirSync(dirname(local(dir, MANIFEST_PATH)), { recursive: true });
    writeFileSync(local(dir, MANIFEST_PATH), serializeManifest(m));
    return { dir, plan, e };
  }

  it('resumes with one Range request and checks the whole by SHA-256', async () => {
    const whole = createHash('sha256').update(bodies.get(`sha256/${FILES[0]}`)!).digest('base64');
    const { dir, plan, e } = await leavePartial('sha256', 100_000, whole);
    const report = await executePlan({ client: signed(), plan, target: nodeFolderTarget(dir), verify: true });
    expect(report.failed).toEqual([]);
    expect(proxy.stats.perKey.get(e.key!)!.ranges).toEqual(['bytes=100000-']);
    expect(report.entries[0]!.verifiedBy).toBe('sha256');
    expectAllSaved(dir, 'sha256');
  });

  it('a resumed file that does not check out is fetched afresh once, whole', async () => {
    const whole = createHash('sha256').update(bodies.get(`sha256/${FILES[0]}`)!).digest('base64');
    const { dir, plan, e } = await leavePartial('sha256', 100_000, whole);
    writeFileSync(local(dir, partialPath(e.localPath)), randomBytes(100_000)); // damaged on disk
    const report = await executePlan({ client: signed(), plan, target: nodeFolderTarget(dir), verify: true });
    expect(report.failed).toEqual([]);
    expect(proxy.stats.perKey.get(e.key!)!.ranges).toEqual(['bytes=100000-']);
    expect(downloads(e.key!)).toBe(2);
    expect(report.entries[0]!.verifiedBy).toBe('sha256');
    expectAllSaved(dir, 'sha256');
  });
});

describe('moto', () => {
  it('keeps a checksum uploaded with ChecksumAlgorithm and returns it with checksum mode', async () => {
    await moto.createBucket('moto-checksum');
    const body = randomBytes(1000);
    await moto.admin.send(new PutObjectCommand({ Bucket: 'moto-checksum', Key: 'a.bin', Body: body, ChecksumAlgorithm: 'SHA256' }));
    const res = await getObject(createS3Client({ endpoint: moto.endpoint, credentials: ADMIN_CREDENTIALS }), 'moto-checksum', 'a.bin', { checksums: true });
    await res.body.cancel();
    expect(res.checksums.sha256).toBe(createHash('sha256').update(body).digest('base64'));
  });
});
