// Cancel and resume, a server that goes away, injected faults, objects that change under us.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type FaultMode, type Proxy } from '#harness/proxy.ts';
import type { DownloadPlan } from '../plan/index.ts';
import { createS3Client, listAll } from '../s3/index.ts';
import { executePlan, type ExecuteOptions } from './executor.ts';
import type { DownloadProgress } from './types.ts';
import { nodeFolderTarget } from './node-folder.ts';

const BUCKET = 'resume-test';
const PREFIX = 'ds';
const SIZES = [1_500_000, 1_200_000, 900_000, 700_000, 40_000, 5_000];
const rel = (i: number) => `sub-0${i}/anat/sub-0${i}_T1w.nii.gz`;
// Slow enough on loopback to cancel or pause mid-body: about 0.25 s per file at 6 in parallel.
const RATE = 4_000_000;

let moto: Moto;
let proxy: Proxy;
const bodies = new Map<string, Buffer>();

async function put(key: string, body: Buffer) {
  bodies.set(key, body);
  await moto.put(BUCKET, key, body);
}

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (let i = 0; i < SIZES.length; i++) await put(`${PREFIX}/${rel(i)}`, randomBytes(SIZES[i]!));
  proxy = await startProxy({ target: moto.endpoint, bytesPerSecond: RATE, stallMs: 5000 });
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});
beforeEach(() => {
  proxy.setFault(undefined);
  proxy.resume();
  proxy.resetStats();
});

async function makePlan(): Promise<DownloadPlan> {
  const objects = await listAll(createS3Client({ endpoint: moto.endpoint }), BUCKET, `${PREFIX}/`);
  return { bucket: BUCKET, prefix: PREFIX, entries: objects.map((o) => ({ ...o, localPath: o.key.slice(PREFIX.length + 1), action: 'download' as const })) };
}
const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-resume-'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const local = (dir: string, p: string) => join(dir, ...p.split('/'));

function run(dir: string, plan: DownloadPlan, extra: Partial<ExecuteOptions> = {}) {
  return executePlan({ client: createS3Client({ endpoint: proxy.endpoint }), plan, target: nodeFolderTarget(dir), retryBaseMs: 50, retryMaxMs: 400, ...extra });
}

function expectAllSaved(dir: string) {
  for (const [key, body] of bodies) expect(sha(readFileSync(local(dir, key.slice(PREFIX.length + 1)))), key).toBe(sha(body));
}
function expectNoTruncated(dir: string) {
  for (const [key, body] of bodies) {
    const f = local(dir, key.slice(PREFIX.length + 1));
    if (existsSync(f)) expect(sha(readFileSync(f)), key).toBe(sha(body));
  }
}
function bytesOnDisk(dir: string): number {
  let n = 0;
  for (const p of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (p.startsWith('.s3bids/manifest')) continue;
    const s = statSync(join(dir, p));
    if (s.isFile()) n += s.size;
  }
  return n;
}

/** Runs and calls `act` once `fraction` of the bytes have arrived. */
async function runUntil(dir: string, plan: DownloadPlan, fraction: number, act: (p: DownloadProgress) => void, extra: Partial<ExecuteOptions> = {}) {
  const total = SIZES.reduce((a, b) => a + b, 0);
  let fired = false;
  return run(dir, plan, {
    ...extra,
    progressIntervalMs: 10,
    control: {
      ...extra.control,
      onProgress: (p) => {
        if (!fired && p.bytesDone >= total * fraction) {
          fired = true;
          act(p);
        }
      },
    },
  });
}

describe('cancel and resume', () => {
  it('cancels within seconds, keeps no truncated final file, and resumes fetching only what is missing', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    const ctl = new AbortController();
    let mid: DownloadProgress | undefined;
    const first = await runUntil(dir, plan, 0.4, (p) => {
      mid = p;
      ctl.abort();
    }, { control: { signal: ctl.signal } });
    // Mid-run progress: a rate from the sliding window, an ETA, the files in flight. (How fast is the
    // bench's question; on a busy machine the rate is anything above zero.)
    expect(mid!.rate).toBeGreaterThan(0);
    expect(Number.isFinite(mid!.rate)).toBe(true);
    expect(mid!.etaSeconds).toBeGreaterThan(0);
    expect(mid!.active.length).toBeGreaterThan(0);
    expect(mid!.bytesTotal).toBe(SIZES.reduce((a, b) => a + b, 0));
    expect(first.aborted).toBe(true);
    expect(first.entries.some((e) => e.status === 'aborted')).toBe(true);
    expectNoTruncated(dir);
    const total = SIZES.reduce((a, b) => a + b, 0);
    const kept = bytesOnDisk(dir);
    expect(kept).toBeGreaterThan(0);
    const partials = readdirSync(join(dir, '.s3bids', 'partial'), { recursive: true, encoding: 'utf8' }).filter((p) =>
      statSync(join(dir, '.s3bids', 'partial', p)).isFile(),
    );
    expect(partials.length).toBeGreaterThan(0);
    const partialSizes = new Map(partials.map((p) => [p, statSync(join(dir, '.s3bids', 'partial', p)).size]));
    // Started no request after the cancel.
    const afterCancel = proxy.stats.requests;
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.stats.requests).toBe(afterCancel);

    proxy.resetStats();
    const second = await run(dir, plan);
    expect(second.failed).toEqual([]);
    expect(second.aborted).toBe(false);
    expectAllSaved(dir);
    // One account of bytes: what was already there and what this run saved add up to the plan; what came
    // over the network is less than what was saved, as partial files were resumed.
    expect(second.alreadyThere.bytes + second.saved.bytes).toBe(total);
    expect(second.alreadyThere.files + second.saved.files).toBe(SIZES.length);
    expect(second.alreadyThere.files).toBeGreaterThan(0);
    expect(second.bytes).toBeLessThan(second.saved.bytes);
    // Each interrupted file continued with a Range request from its partial size.
    for (const [p, size] of partialSizes) {
      if (size > 0) expect(proxy.stats.perKey.get(`${PREFIX}/${p}`)!.ranges, p).toEqual([`bytes=${size}-`]);
    }
    expect([...partialSizes.values()].some((n) => n > 0)).toBe(true);
    // The cancel did not wait for the bodies in flight: some were cut short of their size (how fast a
    // cancel lands is a state here, not a clock).
    const sizeOf = (p: string) => SIZES[[...Array(SIZES.length).keys()].find((i) => rel(i) === p)!]!;
    expect([...partialSizes].some(([p, n]) => n < sizeOf(p))).toBe(true);
    const CHUNK = 64 * 1024;
    expect(proxy.stats.bytesOut).toBeLessThanOrEqual(total - kept + CHUNK * partials.length);
    expect(proxy.stats.bytesOut).toBeGreaterThanOrEqual(total - kept);
  });

  it('recovers when the server goes away mid-transfer and comes back', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    let resumedAt = 0;
    const report = await runUntil(dir, plan, 0.3, () => {
      proxy.pause();
      setTimeout(() => {
        resumedAt = performance.now();
        proxy.resume();
      }, 1500);
    }, { retryBaseMs: 200, retryMaxMs: 2000 });
    expect(resumedAt).toBeGreaterThan(0);
    expect(report.failed).toEqual([]);
    expectAllSaved(dir);
    // Transfers broken by the outage continued with Range requests.
    expect([...proxy.stats.perKey.values()].some((k) => k.ranges.length > 0)).toBe(true);
  });
});

describe('faults are retried', () => {
  it.each<[FaultMode, number]>([
    ['500', 0],
    ['503', 1],
    ['reset-mid-body', 2],
    ['short-body', 3],
    ['stall', 4],
  ])('%s on the first two requests of a file', async (mode, i) => {
    const dir = tempDir();
    const plan = await makePlan();
    const key = `${PREFIX}/${rel(i)}`;
    let hits = 0;
    proxy.setFault((req) => (req.method === 'GET' && req.key === key && hits++ < 2 ? mode : undefined));
    const report = await run(dir, plan, { stallMs: 400, verify: true });
    expect(report.failed).toEqual([]);
    expectAllSaved(dir);
    expect(proxy.stats.perKey.get(key)!.requests).toBeGreaterThanOrEqual(3);
  });

  it('a corrupted body is fetched afresh once, and then saved whole', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    const key = `${PREFIX}/${rel(0)}`;
    let hits = 0;
    proxy.setFault((req) => (req.method === 'GET' && req.key === key && hits++ < 1 ? 'corrupt' : undefined));
    const report = await run(dir, plan, { verify: true });
    expect(report.failed).toEqual([]);
    expectAllSaved(dir);
    // Two whole bodies: the corrupted one and the fresh one. Counting requests instead failed once in a full
    // run, when a request was retried for a reason of the network's (every retry is allowed to happen).
    expect(proxy.stats.perKey.get(key)!.bodies).toBe(2);
  });

  it('without verification a corrupted body is saved as is (the check above is what caught it)', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    const key = `${PREFIX}/${rel(5)}`;
    proxy.setFault((req) => (req.key === key ? 'corrupt' : undefined));
    const report = await run(dir, plan, { verify: false });
    expect(report.failed).toEqual([]);
    expect(sha(readFileSync(local(dir, rel(5))))).not.toBe(sha(bodies.get(key)!));
  });

  it('gives up on a file that keeps failing, with its reason, and saves the others', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    const key = `${PREFIX}/${rel(5)}`;
    proxy.setFault((req) => (req.key === key ? '503' : undefined));
    const report = await run(dir, plan, { retries: 2, retryBaseMs: 10 });
    expect(report.failed.map((f) => f.key)).toEqual([key]);
    expect(report.failed[0]!.reason).toMatch(/slow down.*3 attempts/i);
    expect(proxy.stats.perKey.get(key)!.requests).toBe(3);
    expect(existsSync(local(dir, rel(5)))).toBe(false);
    for (let i = 0; i < 5; i++) expect(existsSync(local(dir, rel(i)))).toBe(true);
  });

  it('gives up, bounded, on a file whose every response breaks after some bytes', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    const key = `${PREFIX}/${rel(0)}`;
    // A short body always delivers its bytes before it ends; a reset can lose them on a busy machine, and
    // an attempt that saved nothing is a plain failure, not an interrupted one.
    proxy.setFault((req) => (req.key === key ? 'short-body' : undefined));
    const report = await run(dir, plan, { retries: 1, retryBaseMs: 5, retryMaxMs: 20 });
    expect(report.failed.map((f) => f.key)).toEqual([key]);
    expect(report.failed[0]!.reason).toMatch(/interrupted attempts/);
    // Each attempt resumed from where the last stopped; the cap is 8 per counted retry (2 here).
    expect(proxy.stats.perKey.get(key)!.requests).toBeLessThanOrEqual(17);
    expect(existsSync(local(dir, rel(0)))).toBe(false);
  });
});

describe('objects that change', () => {
  it('an object replaced after listing fails with a reason, never a mixed or wrong file', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    const key = `${PREFIX}/${rel(4)}`;
    const old = bodies.get(key)!;
    await put(key, randomBytes(old.length));
    try {
      const report = await run(dir, plan);
      expect(report.failed.map((f) => f.key)).toEqual([key]);
      expect(report.failed[0]!.reason).toMatch(/changed on S3 since it was listed/);
      expect(existsSync(local(dir, rel(4)))).toBe(false);
    } finally {
      await put(key, old);
    }
  });

  it('a partial file from an older version is restarted, not appended to', async () => {
    const dir = tempDir();
    const plan = await makePlan();
    const ctl = new AbortController();
    const key = `${PREFIX}/${rel(0)}`;
    const partial = join(dir, '.s3bids', 'partial', ...rel(0).split('/'));
    // The file's body stops half-way and stays silent: the run is cancelled once part of it is on disk,
    // whatever the machine's speed.
    proxy.setFault((req) => (req.method === 'GET' && req.key === key ? 'stall' : undefined));
    const first = run(dir, plan, { control: { signal: ctl.signal } });
    await expect.poll(() => existsSync(partial) && statSync(partial).size > 0, { timeout: 120_000 }).toBe(true);
    ctl.abort();
    await first;
    proxy.setFault(undefined);
    expect(existsSync(partial) && statSync(partial).size > 0).toBe(true);
    const old = bodies.get(key)!;
    await put(key, randomBytes(old.length));
    try {
      // The stale plan: the 206's ETag differs from the listed one -> failure, partial dropped.
      const stale = await run(dir, plan);
      expect(stale.failed.map((f) => f.key)).toEqual([key]);
      expect(existsSync(local(dir, rel(0)))).toBe(false);
      // A fresh listing: the file restarts from byte 0 and comes out as the new version.
      proxy.resetStats();
      const fresh = await run(dir, await makePlan());
      expect(fresh.failed).toEqual([]);
      expect(proxy.stats.perKey.get(key)!.ranges).toEqual([]);
      expectAllSaved(dir);
    } finally {
      await put(key, old);
    }
  });
});
