// Bad input that only a browser meets (README.md, "Faults and bad input"): a bucket without CORS, a full disk (storage quota),
// access to the folder revoked mid-run, the folder deleted mid-run, and two savers in one folder.
// Each gets a clear message, the run stops starting files it cannot save, and nothing is lost.
import { freshFolder, sha256, walkFiles } from '#harness/opfs.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdp, commands } from 'vitest/browser';
import type { SeededObject } from '#harness/vitest/browser-setup.ts';
import { S3BIDSStudy } from '../../src/lib/bids/index.ts';
import type { DownloadPlan } from '../../src/lib/plan/index.ts';
import { isS3BIDSError } from '../../src/lib/errors/index.ts';
import { createS3Client, listAll } from '../../src/lib/s3/index.ts';
import { executePlan } from '../../src/lib/save/executor.ts';
import { LOCK_PATH } from '../../src/lib/save/lock.ts';
import { toSaveTarget } from '../../src/lib/save/target.ts';
import type { SaveTarget } from '../../src/lib/save/types.ts';

const BUCKET = 'browser-bad-input';
const PREFIX = 'ds';
const FILES = 60;
const SIZE = 100_000;
let seeded: SeededObject[];
let proxy: string;

beforeAll(async () => {
  seeded = await commands.s3Seed(BUCKET, `${PREFIX}/`, [
    { name: 'dataset_description.json', size: 64 },
    ...Array.from({ length: FILES }, (_, i) => ({ name: `sub-${String(i % 6).padStart(2, '0')}/dwi/run-${String(i).padStart(3, '0')}_dwi.nii.gz`, size: SIZE + i })),
  ]);
  proxy = await commands.proxyStart({});
});

async function makePlan(): Promise<DownloadPlan> {
  const objects = await listAll(createS3Client({ endpoint: proxy }), BUCKET, `${PREFIX}/`);
  return { bucket: BUCKET, prefix: PREFIX, entries: objects.map((o) => ({ ...o, localPath: o.key.slice(PREFIX.length + 1), action: 'download' as const })) };
}

/** Every file under a final name equals its source (never truncated); returns how many there are. */
async function expectFinalFilesExact(dir: FileSystemDirectoryHandle): Promise<number> {
  const bySha = new Map(seeded.map((o) => [o.key.slice(PREFIX.length + 1), o.sha256]));
  let n = 0;
  for (const [rel, file] of await walkFiles(dir)) {
    if (rel.startsWith('.s3bids/')) continue;
    expect(await sha256(file), rel).toBe(bySha.get(rel));
    n++;
  }
  return n;
}

/** A folder handle (and every handle reached from it) that rejects each call with NotAllowedError once revoked. */
function revocableHandle<T extends object>(handle: T, state: { revoked: boolean }, real = new WeakMap<object, object>()): T {
  const unwrap = (a: unknown) => (a && typeof a === 'object' && real.has(a) ? real.get(a) : a);
  const proxy = new Proxy(handle, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (state.revoked) return Promise.reject(new DOMException('The request is not allowed by the user agent or the platform in the current context.', 'NotAllowedError'));
        const out = (v as (...a: unknown[]) => unknown).apply(target, args.map(unwrap));
        return out instanceof Promise ? out.then((x: unknown) => (x && typeof x === 'object' && 'kind' in x ? revocableHandle(x, state, real) : x)) : out;
      };
    },
  });
  real.set(proxy, handle);
  return proxy;
}

const run = async (dir: FileSystemDirectoryHandle | SaveTarget, plan: DownloadPlan, extra: Partial<Parameters<typeof executePlan>[0]> = {}) =>
  executePlan({ client: createS3Client({ endpoint: proxy }), plan, target: await toSaveTarget(dir), mirrors: [], retryBaseMs: 20, ...extra });

describe('bad input in Chromium', () => {
  it('a bucket without CORS is a Network error saying it does not allow browser access, with the script export as the way out', async () => {
    const noCors = await commands.proxyStart({ stripCors: true });
    const client = createS3Client({ endpoint: noCors });
    const e = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: PREFIX, client, subjects: 'all' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isS3BIDSError(e, 'Network'), String(e)).toBe(true);
    expect((e as Error).message).toMatch(/or the bucket does not allow browser access \(CORS\).*use "Export script" to download with the AWS CLI or s5cmd/);
    // The same bucket with CORS opens: it was the missing CORS rule, nothing else.
    const ok = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: PREFIX, client: createS3Client({ endpoint: proxy }), subjects: 'all' });
    expect(ok.allSubjects).toHaveLength(6);
  });

  it('storage quota exceeded: the run stops starting files, lists each failed one with a quota message, and resumes once there is room', async () => {
    const dir = await freshFolder('bad-quota');
    const plan = await makePlan();
    const session = cdp();
    const origin = location.origin;
    const { usage = 0 } = await navigator.storage.estimate();
    // Room for about a quarter of the files on top of what this origin already stores.
    await session.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + (FILES * SIZE) / 4 });
    let report;
    try {
      await commands.proxyReset(proxy);
      report = await run(dir, plan, { concurrency: 4 });
    } finally {
      await session.send('Storage.overrideQuotaForOrigin', { origin });
    }
    const c = await commands.proxyCounters(proxy);
    expect(report.downloaded).toBeGreaterThan(0);
    expect(report.downloaded).toBeLessThan(FILES);
    expect(report.stopped).toMatch(/The save stopped early: the disk \(or the browser storage quota for this site\) is full\. Free some space/);
    // With the disk full the manifest may not be writable either: that is reported as its own row.
    const fileFailures = report.failed.filter((f) => f.localPath !== '.s3bids/manifest.json');
    for (const m of report.failed.filter((f) => f.localPath === '.s3bids/manifest.json')) expect(m.reason).toMatch(/manifest could not be saved/);
    expect(fileFailures.length).toBe(plan.entries.length - report.downloaded);
    for (const f of fileFailures) expect(f.reason, f.localPath).toMatch(/QuotaExceededError|storage quota for this site\) is full/);
    expect(report.failed.filter((f) => f.reason.startsWith('Not started:')).length).toBeGreaterThan(FILES / 3);
    // Stopped rather than failing file after file: few requests beyond the files it saved.
    expect(c.bodyGets).toBeLessThanOrEqual(report.downloaded + 4 * 2);
    expect(await expectFinalFilesExact(dir)).toBe(report.downloaded);

    const again = await run(dir, plan);
    expect(again.failed).toEqual([]);
    expect(again.skipped).toBe(report.downloaded);
    expect(await expectFinalFilesExact(dir)).toBe(plan.entries.length);
  });

  it('access to the folder revoked mid-run: the run stops and says to choose the folder again; saved files stay exact', async () => {
    const dir = await freshFolder('bad-revoked');
    const plan = await makePlan();
    // OPFS cannot lose its permission and CDP has no file-system permission to revoke, so the folder
    // handle itself starts refusing, with the browser's own NotAllowedError, once ten files are saved;
    // the real directory target runs over it.
    // Ten files arrive; the next ones wait at the proxy until access is gone, so the run is mid-way
    // when it is revoked however fast this machine is.
    const state = { revoked: false };
    const revocable = revocableHandle(dir, state);
    await commands.proxyHold(proxy, { after: 10 });
    let released: Promise<void> | undefined;
    const report = await run(revocable, plan, {
      concurrency: 2,
      progressIntervalMs: 10,
      control: {
        onProgress: (p) => {
          if (p.filesDone < 10 || released) return;
          state.revoked = true;
          released = commands.proxyRelease(proxy);
        },
      },
    }).finally(() => commands.proxyRelease(proxy));
    await released;
    expect(report.stopped).toMatch(/writing to the folder is no longer allowed\. Choose the folder again \(grant access\)/);
    expect(report.downloaded).toBeGreaterThanOrEqual(10);
    expect(report.downloaded + report.failed.filter((f) => f.localPath !== '.s3bids/manifest.json').length).toBe(plan.entries.length);
    for (const f of report.failed) expect(f.reason, f.localPath).toMatch(/NotAllowedError.*no longer allow|no longer allowed/);
    expect(await expectFinalFilesExact(dir)).toBe(report.downloaded);
    // Access back: a new run finishes the rest.
    const again = await run(dir, plan);
    expect(again.failed).toEqual([]);
    expect(await expectFinalFilesExact(dir)).toBe(plan.entries.length);
  });

  it('the folder deleted mid-run: clear failures, no crash, the report says the folder was moved or deleted', async () => {
    const slow = await commands.proxyStart({});
    const root = await navigator.storage.getDirectory();
    const dir = await freshFolder('bad-deleted');
    const plan = await makePlan();
    // Five files arrive; the next ones wait at the proxy until the folder is gone, so it goes while the
    // run is mid-way however fast this machine is.
    await commands.proxyHold(slow, { after: 5 });
    let removal: Promise<void> | undefined;
    let removedAt = -1;
    const report = await executePlan({
      client: createS3Client({ endpoint: slow }),
      plan,
      target: await toSaveTarget(dir),
      mirrors: [],
      concurrency: 3,
      progressIntervalMs: 20,
      control: {
        onProgress: (p) => {
          if (removal || p.filesDone < 5) return;
          removedAt = p.filesDone;
          removal = (async () => {
            // A file being written is locked; try again between writes.
            for (let i = 0; i < 200; i++) {
              try {
                await root.removeEntry('bad-deleted', { recursive: true });
                return;
              } catch {
                await new Promise((r) => setTimeout(r, 10));
              }
            }
            throw new Error('could not remove the folder');
          })().finally(() => commands.proxyRelease(slow));
        },
      },
    }).finally(() => commands.proxyRelease(slow));
    await removal;
    expect(removedAt).toBeGreaterThanOrEqual(5);
    expect(report.stopped).toMatch(/the folder was moved or deleted\. Choose a folder and save again/);
    expect(report.downloaded).toBeLessThan(FILES);
    const notStarted = report.failed.filter((f) => f.reason.startsWith('Not started:'));
    expect(notStarted.length).toBeGreaterThan(FILES / 2);
    for (const f of report.failed) expect(f.reason, f.localPath).toMatch(/moved or deleted|NotFoundError|manifest could not be saved/);
    const names: string[] = [];
    for await (const [name] of (root as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) names.push(name);
    expect(names).not.toContain('bad-deleted');
  });

  it('two savers in one folder (two tabs): the second is refused with Locked, the first completes, the lock is released', async () => {
    const slow = await commands.proxyStart({});
    const dir = await freshFolder('bad-two-tabs');
    const plan = await makePlan();
    const client = createS3Client({ endpoint: slow });
    // Each tab has its own handle to the folder and its own target: only the folder is shared. The first
    // tab's downloads wait at the proxy, so it is mid-run (holding the folder) while the second tries.
    await commands.proxyHold(slow);
    const first = executePlan({ client, plan, target: await toSaveTarget(dir), mirrors: [] });
    await commands.proxyWhenHeld(slow, 1);
    const other = await (await navigator.storage.getDirectory()).getDirectoryHandle('bad-two-tabs');
    const e = await executePlan({ client, plan, target: await toSaveTarget(other), mirrors: [] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isS3BIDSError(e, 'Locked'), String(e)).toBe(true);
    expect((e as Error).message).toMatch(/already being saved into by another tab, window or program/);
    await commands.proxyRelease(slow);
    const r = await first;
    expect(r.failed).toEqual([]);
    expect(await expectFinalFilesExact(dir)).toBe(plan.entries.length);
    expect((await walkFiles(dir)).has(LOCK_PATH)).toBe(false);
    const later = await executePlan({ client, plan, target: await toSaveTarget(other), mirrors: [] });
    expect(later.skipped).toBe(plan.entries.length);
  });
});
