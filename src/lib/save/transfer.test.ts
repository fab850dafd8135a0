// One file's transfer against moto through a fault-injecting proxy, into a real temporary folder: resume
// with a Range request, restart on another object version, the bounds on retries, and storage failures
// that are not retried (docs/contract.md, "Overwrite, skip, resume, verify").
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import type { PlanEntry } from '../plan/index.ts';
import { createS3Client, listAll } from '../s3/index.ts';
import { FolderManifest } from './manifest.ts';
import { nodeFolderTarget } from './node-folder.ts';
import { partialPath } from './app-folder.ts';
import { ProgressTracker } from './progress.ts';
import { MAX_ATTEMPTS_FACTOR, backoffMs, transferFile, type TransferContext } from './transfer.ts';
import type { SaveTarget } from './types.ts';

const BUCKET = 'transfer-test';
const PREFIX = 'ds';
const SIZE = 600_000;
const HOUR = 3_600_000;
let moto: Moto;
let proxy: Proxy;
const bodies = new Map<string, Buffer>();

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (const name of ['resume', 'restart', 'no-record', 'changes', 'retry', 'cap', 'full', 'complete']) {
    const body = randomBytes(SIZE);
    bodies.set(`${PREFIX}/sub-01/${name}.bin`, body);
    await moto.put(BUCKET, `${PREFIX}/sub-01/${name}.bin`, body);
  }
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

type S3Entry = PlanEntry & { key: string };

/** The listed entry for one object, as a plan holds it. */
async function entry(name: string): Promise<S3Entry> {
  const [o] = await listAll(createS3Client({ endpoint: moto.endpoint }), BUCKET, `${PREFIX}/sub-01/${name}.bin`);
  return { ...o!, localPath: `sub-01/${name}.bin`, action: 'download' };
}

function context(dir: string, extra: Partial<TransferContext> = {}): TransferContext {
  const target = extra.target ?? nodeFolderTarget(dir);
  return {
    client: createS3Client({ endpoint: proxy.endpoint }),
    bucket: BUCKET,
    target,
    manifest: new FolderManifest(target, undefined, HOUR),
    progress: new ProgressTracker(undefined),
    signal: undefined,
    verify: true,
    retries: 5,
    stallMs: 30_000,
    retryBaseMs: 5,
    retryMaxMs: 20,
    ...extra,
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-transfer-'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const onDisk = (dir: string, localPath: string) => join(dir, ...localPath.split('/'));
const stats = (e: S3Entry) => proxy.stats.perKey.get(e.key) ?? { requests: 0, bytes: 0, ranges: [] };

/** Leaves the first `have` bytes of the object in the partial file, as a cancelled run does. */
function leavePartial(dir: string, e: S3Entry, have: number) {
  const file = onDisk(dir, partialPath(e.localPath));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bodies.get(e.key)!.subarray(0, have));
}

function expectSaved(dir: string, e: S3Entry, ctx: TransferContext) {
  expect(sha(readFileSync(onDisk(dir, e.localPath)))).toBe(sha(bodies.get(e.key)!));
  expect(existsSync(onDisk(dir, partialPath(e.localPath)))).toBe(false);
  expect(ctx.manifest.saved(e.localPath)).toMatchObject({ key: e.key, size: e.size, etag: e.etag });
  expect(ctx.manifest.partial(e.localPath)).toBeUndefined();
}

describe('transferFile', () => {
  it('resumes a partial file of the listed version with one Range request from its size (and checks the MD5 of the whole)', async () => {
    const dir = tempDir();
    const e = await entry('resume');
    const ctx = context(dir);
    leavePartial(dir, e, 250_000);
    ctx.manifest.recordPartial(e.localPath, { key: e.key, etag: e.etag, size: e.size });
    expect(await transferFile(ctx, e, false)).toEqual({ status: 'downloaded', verifiedBy: 'md5' });
    expect(stats(e).ranges).toEqual(['bytes=250000-']);
    expect(stats(e).bytes).toBe(SIZE - 250_000);
    expectSaved(dir, e, ctx);
  });

  it('restarts from the first byte when the partial file came from another object version', async () => {
    const dir = tempDir();
    const e = await entry('restart');
    const ctx = context(dir);
    leavePartial(dir, e, 250_000);
    ctx.manifest.recordPartial(e.localPath, { key: e.key, etag: 'f'.repeat(32), size: e.size });
    expect(await transferFile(ctx, e, false)).toEqual({ status: 'downloaded', verifiedBy: 'md5' });
    expect(stats(e).ranges).toEqual([]);
    expect(stats(e).bytes).toBe(SIZE);
    expectSaved(dir, e, ctx);
  });

  it('does not resume a partial file the manifest knows nothing of', async () => {
    const dir = tempDir();
    const e = await entry('no-record');
    const ctx = context(dir);
    leavePartial(dir, e, 250_000);
    expect(await transferFile(ctx, e, false)).toEqual({ status: 'downloaded', verifiedBy: 'md5' });
    expect(stats(e).ranges).toEqual([]);
    expectSaved(dir, e, ctx);
  });

  it('fails, and drops the partial file, when the object changed on S3 after it was listed (the 206 names another ETag)', async () => {
    const dir = tempDir();
    const e = await entry('changes');
    const ctx = context(dir);
    leavePartial(dir, e, 250_000);
    ctx.manifest.recordPartial(e.localPath, { key: e.key, etag: e.etag, size: e.size });
    const old = bodies.get(e.key)!;
    await moto.put(BUCKET, e.key, randomBytes(SIZE));
    try {
      const out = await transferFile(ctx, e, false);
      expect(out.status).toBe('failed');
      expect(out.status === 'failed' && out.reason).toBe(`s3://${BUCKET}/${e.key} changed on S3 since it was listed. Refresh the study and save again.`);
      expect(stats(e).ranges).toEqual(['bytes=250000-']);
      expect(existsSync(onDisk(dir, partialPath(e.localPath)))).toBe(false);
      expect(existsSync(onDisk(dir, e.localPath))).toBe(false);
      expect(ctx.manifest.partial(e.localPath)).toBeUndefined();
    } finally {
      await moto.put(BUCKET, e.key, old);
    }
  });

  it('gives up after `retries` failed attempts that saved nothing, saying why', async () => {
    const dir = tempDir();
    const e = await entry('retry');
    proxy.setFault((req) => (req.key === e.key ? '503' : undefined));
    const out = await transferFile(context(dir, { retries: 2 }), e, false);
    expect(out.status).toBe('failed');
    expect(out.status === 'failed' && out.reason).toMatch(/slow down.*\(gave up after 3 attempts\)$/i);
    expect(stats(e).requests).toBe(3);
    expect(existsSync(onDisk(dir, e.localPath))).toBe(false);
  });

  it('resumes attempts that saved bytes, but a body that always ends early still ends, at the attempt cap', async () => {
    const dir = tempDir();
    const e = await entry('cap');
    // Every response is cut to half its length (a clean end, so each attempt surely saves its bytes).
    proxy.setFault((req) => (req.key === e.key ? 'short-body' : undefined));
    const retries = 1;
    const out = await transferFile(context(dir, { retries }), e, false);
    const attempts = MAX_ATTEMPTS_FACTOR * (retries + 1) + 1;
    expect(out.status === 'failed' && out.reason).toMatch(new RegExp(`ended early .*\\(gave up after ${attempts} interrupted attempts\\)$`));
    expect(stats(e).requests).toBe(attempts);
    // Each attempt continued where the last one stopped.
    const expected: string[] = [];
    for (let have = 0, i = 1; i < attempts; i++) {
      have += Math.floor((SIZE - have) / 2);
      expected.push(`bytes=${have}-`);
    }
    expect(stats(e).ranges).toEqual(expected);
    expect(existsSync(onDisk(dir, e.localPath))).toBe(false);
  });

  it('a full disk fails the file at once, as the folder’s failure, without fetching it again', async () => {
    const dir = tempDir();
    const e = await entry('full');
    const real = nodeFolderTarget(dir);
    // A real Node folder whose partial files land on /dev/full: every write fails with ENOSPC.
    const full: SaveTarget = { ...real, openWrite: async () => Writable.toWeb(createWriteStream('/dev/full')) as WritableStream<Uint8Array> };
    const out = await transferFile(context(dir, { target: full }), e, false);
    expect(out).toMatchObject({ status: 'failed', folder: 'full' });
    expect(out.status === 'failed' && out.reason).toMatch(/^Could not write "sub-01\/full\.bin": the disk \(or the browser storage quota for this site\) is full\. Free some space and save again; files already saved are kept \(ENOSPC/);
    expect(stats(e).requests).toBe(1);
  });

  it('with skipComplete, leaves a complete file the manifest vouches for without a request; a cancelled run starts nothing', async () => {
    const dir = tempDir();
    const e = await entry('complete');
    const ctx = context(dir);
    mkdirSync(dirname(onDisk(dir, e.localPath)), { recursive: true });
    writeFileSync(onDisk(dir, e.localPath), bodies.get(e.key)!);
    ctx.manifest.recordSaved({ key: e.key, size: e.size, etag: e.etag, localPath: e.localPath });
    expect(await transferFile(ctx, e, true)).toEqual({ status: 'skipped' });
    const ctl = new AbortController();
    ctl.abort();
    expect(await transferFile({ ...ctx, signal: ctl.signal }, e, false)).toEqual({ status: 'aborted' });
    expect(stats(e).requests).toBe(0);
  });
});

describe('backoffMs', () => {
  it('doubles from the base up to the cap, with jitter in the upper half, never zero', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const cap = Math.min(15_000, 250 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const ms = backoffMs(attempt, 250, 15_000);
        expect(ms).toBeGreaterThanOrEqual(cap / 2);
        expect(ms).toBeLessThanOrEqual(cap);
      }
    }
  });
});
