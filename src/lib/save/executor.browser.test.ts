// The saver in real headless Chromium: OPFS folders, cross-origin anonymous fetches to moto via a proxy.
import { freshFolder, sha256, walkFiles } from '#harness/opfs.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import type { SeededObject } from '#harness/vitest/browser-setup.ts';
import type { DownloadPlan } from '../plan/index.ts';
import { isS3BIDSError } from '../errors/index.ts';
import { createS3Client, listAll } from '../s3/index.ts';
import { executePlan } from './executor.ts';
import { ensureDirectoryAccess, recallDirectory, rememberDirectory } from './remember.ts';
import { toSaveTarget } from './target.ts';

const BUCKET = 'browser-save';
const PREFIX = 'ds';
let seeded: SeededObject[];
let proxy: string;
let slow: string;

beforeAll(async () => {
  seeded = await commands.s3Seed(BUCKET, `${PREFIX}/`, [
    { name: 'sub-01/anat/sub-01_T1w.nii.gz', size: 2_000_000 },
    { name: 'sub-01/dwi/sub-01_dwi.nii.gz', size: 1_500_000 },
    { name: 'sub-02/anat/sub-02_T1w.nii.gz', size: 1_200_000 },
    { name: "sub-02/it's ünï©ødé + space%.json", size: 777 },
    { name: 'dataset_description.json', size: 120 },
    ...Array.from({ length: 12 }, (_, i) => ({ name: `sub-03/func/run-${i}_events.tsv`, size: 10_000 + i })),
  ]);
  proxy = await commands.proxyStart({});
  slow = await commands.proxyStart({ bytesPerSecond: 4_000_000 });
});

async function makePlan(endpoint: string): Promise<DownloadPlan> {
  const objects = await listAll(createS3Client({ endpoint }), BUCKET, `${PREFIX}/`);
  return { bucket: BUCKET, prefix: PREFIX, entries: objects.map((o) => ({ ...o, localPath: o.key.slice(PREFIX.length + 1), action: 'download' as const })) };
}

async function fileAt(dir: FileSystemDirectoryHandle, path: string): Promise<File | undefined> {
  const parts = path.split('/');
  const name = parts.pop()!;
  try {
    for (const p of parts) dir = await dir.getDirectoryHandle(p);
    return await (await dir.getFileHandle(name)).getFile();
  } catch {
    return undefined;
  }
}

/** Every file under `dir` with its size, `/`-separated. */
async function walk(dir: FileSystemDirectoryHandle): Promise<Map<string, number>> {
  return new Map([...(await walkFiles(dir))].map(([p, f]) => [p, f.size]));
}

async function expectFinalFilesCorrect(dir: FileSystemDirectoryHandle, all: boolean) {
  for (const o of seeded) {
    const f = await fileAt(dir, o.key.slice(PREFIX.length + 1));
    if (!f && !all) continue;
    expect(f, o.key).toBeDefined();
    expect(await sha256(f!), o.key).toBe(o.sha256);
  }
}

describe('saving into OPFS in Chromium', () => {
  it('saves every file (SHA-256 equal), with zero CORS preflights, then skips all on a second run', async () => {
    const dir = await freshFolder('save-basic');
    const plan = await makePlan(proxy);
    await commands.proxyReset(proxy);
    const report = await executePlan({ client: createS3Client({ endpoint: proxy }), plan, target: await toSaveTarget(dir), verify: true });
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toBe(seeded.length);
    await expectFinalFilesCorrect(dir, true);
    const files = await walk(dir);
    expect([...files.keys()].filter((p) => p.startsWith('.s3bids/partial/'))).toEqual([]);
    expect(files.has('.s3bids/manifest.json')).toBe(true);
    const c = await commands.proxyCounters(proxy);
    expect(c.bodyGets).toBe(seeded.length);
    expect(c.options).toBe(0);

    await commands.proxyReset(proxy);
    const again = await executePlan({ client: createS3Client({ endpoint: proxy }), plan, target: await toSaveTarget(dir) });
    expect(again.skipped).toBe(seeded.length);
    expect((await commands.proxyCounters(proxy)).requests).toBe(0);
  });

  it('cancels mid-run and resumes: no truncated final file, only the missing bytes fetched again', async () => {
    const dir = await freshFolder('save-resume');
    const plan = await makePlan(slow);
    const total = seeded.reduce((a, o) => a + o.size, 0);
    const ctl = new AbortController();
    const first = await executePlan({
      client: createS3Client({ endpoint: slow }),
      plan,
      target: await toSaveTarget(dir),
      progressIntervalMs: 10,
      control: {
        signal: ctl.signal,
        onProgress: (p) => {
          if (!ctl.signal.aborted && p.bytesDone > total * 0.4) {
            ctl.abort();
          }
        },
      },
    });
    expect(first.aborted).toBe(true);
    await expectFinalFilesCorrect(dir, false);
    const onDisk = await walk(dir);
    const partial = [...onDisk].filter(([p, n]) => p.startsWith('.s3bids/partial/') && n > 0);
    expect(partial.length).toBeGreaterThan(0);
    let kept = 0;
    for (const [p, n] of onDisk) if (!p.startsWith('.s3bids/manifest')) kept += n;

    await commands.proxyReset(slow);
    const second = await executePlan({ client: createS3Client({ endpoint: slow }), plan, target: await toSaveTarget(dir), verify: true });
    expect(second.failed).toEqual([]);
    await expectFinalFilesCorrect(dir, true);
    const c = await commands.proxyCounters(slow);
    // Partial files short of their size continue with a Range request; complete ones are just moved.
    const keyOf = (p: string) => `${PREFIX}/${p.slice('.s3bids/partial/'.length)}`;
    const short = partial.filter(([p, n]) => n < seeded.find((o) => o.key === keyOf(p))!.size);
    // The cancel cut bodies in flight instead of waiting for them (a state, not a clock).
    expect(short.length).toBeGreaterThan(0);
    expect(c.rangedKeys.sort()).toEqual(short.map(([p]) => keyOf(p)).sort());
    expect(c.bytesOut).toBeGreaterThanOrEqual(total - kept);
    expect(c.bytesOut).toBeLessThanOrEqual(total - kept + 64 * 1024 * partial.length);
    expect(c.options).toBe(0);
  });

  it('replaces a wrong-size file and an outdated one (overwrite), moving over the existing name', async () => {
    const dir = await freshFolder('save-overwrite');
    const target = await toSaveTarget(dir);
    const plan = await makePlan(proxy);
    await target.writeText('sub-01/anat/sub-01_T1w.nii.gz', 'truncated');
    await target.writeText('dataset_description.json', 'x'.repeat(120));
    const { annotatePlan } = await import('./annotate.ts');
    const annotated = await annotatePlan(plan, target, { overwrite: false });
    const action = (p: string) => annotated.entries.find((e) => e.localPath === p)!.action;
    expect(action('sub-01/anat/sub-01_T1w.nii.gz')).toBe('overwrite');
    // Same size and no manifest record: trusted as complete, as the spec's size rule says.
    expect(action('dataset_description.json')).toBe('skip');
    const forced = await annotatePlan(plan, target, { overwrite: true });
    const report = await executePlan({ client: createS3Client({ endpoint: proxy }), plan: forced, target });
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toBe(seeded.length);
    await expectFinalFilesCorrect(dir, true);
  });

  it('falls back to copying where FileSystemFileHandle.move is missing (older browsers)', async () => {
    const proto = FileSystemFileHandle.prototype as unknown as { move?: unknown };
    const move = proto.move;
    expect(typeof move).toBe('function');
    delete proto.move;
    try {
      const dir = await freshFolder('save-copy');
      const report = await executePlan({ client: createS3Client({ endpoint: proxy }), plan: await makePlan(proxy), target: await toSaveTarget(dir) });
      expect(report.failed).toEqual([]);
      await expectFinalFilesCorrect(dir, true);
      expect([...(await walk(dir)).keys()].filter((p) => p.startsWith('.s3bids/partial/'))).toEqual([]);
    } finally {
      proto.move = move;
    }
  });

  it('recovers from a server that resets connections mid-body', async () => {
    const dir = await freshFolder('save-faults');
    const plan = await makePlan(proxy);
    await commands.proxyFault(proxy, 'reset-mid-body', 'anat', 2);
    try {
      const report = await executePlan({ client: createS3Client({ endpoint: proxy }), plan, target: await toSaveTarget(dir), retryBaseMs: 50 });
      expect(report.failed).toEqual([]);
      await expectFinalFilesCorrect(dir, true);
    } finally {
      await commands.proxyFault(proxy, undefined);
    }
  });
});

describe('remembered folders', () => {
  it('recalls a folder from IndexedDB and names one that was deleted since', async () => {
    const root = await navigator.storage.getDirectory();
    const dir = await freshFolder('remembered');
    await rememberDirectory(dir, 'test-slot');
    const back = await recallDirectory('test-slot');
    expect(back?.name).toBe('remembered');
    expect(back?.permission).toBe('granted');
    expect(await back!.handle.isSameEntry(dir)).toBe(true);
    await expect(ensureDirectoryAccess(back!.handle)).resolves.toBeDefined();
    await root.removeEntry('remembered', { recursive: true });
    await expect(ensureDirectoryAccess(back!.handle)).rejects.toSatisfy((e) => isS3BIDSError(e, 'NotFound') && /moved or deleted/.test((e as Error).message));
    expect(await recallDirectory('never-set')).toBeUndefined();
  });
});
