// Cancel keeps what arrived (docs/contract.md, "Overwrite, skip, resume, verify"): the proxy stops
// sending mid-body, the user cancels, and the next run continues every file that had received bytes
// with a Range request from exactly those bytes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { APFS, realFolderTarget } from '#harness/folders.ts';
import { createS3Client, listAll } from '../../src/lib/s3/index.ts';
import { executePlan } from '../../src/lib/save/executor.ts';
import type { DownloadPlan } from '../../src/lib/plan/index.ts';
import type { DownloadProgress } from '../../src/lib/save/types.ts';

const B = 'cancel-keeps';
const SIZES = [900_000, 800_000, 700_000, 600_000];
let moto: Moto;
let proxy: Proxy;
const bodies = new Map<string, Buffer>();

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(B);
  for (const [i, n] of SIZES.entries()) {
    const body = randomBytes(n);
    bodies.set(`ds/sub-0${i}/anat/sub-0${i}_T1w.nii.gz`, body);
    await moto.put(B, `ds/sub-0${i}/anat/sub-0${i}_T1w.nii.gz`, body);
  }
  proxy = await startProxy({ target: moto.endpoint, bytesPerSecond: 2_000_000 });
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

it('after a cancel mid-body, every file that had received bytes resumes with a Range from those bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3bids-cancel-'));
  const objects = await listAll(createS3Client({ endpoint: moto.endpoint }), B, 'ds/');
  const plan: DownloadPlan = { bucket: B, prefix: 'ds', entries: objects.map((o) => ({ ...o, localPath: o.key.slice(3), action: 'download' as const })) };
  const ctl = new AbortController();
  // Every body stops half-way and stays silent, so no file can finish before the cancel, whatever the
  // machine's speed (a pause of the proxy raced bytes already on their way).
  proxy.setFault((req) => (req.method === 'GET' ? 'stall' : undefined));
  let paused: DownloadProgress | undefined;
  let released!: () => void;
  const atPause = new Promise<void>((r) => (released = r));
  const first = executePlan({
    client: createS3Client({ endpoint: proxy.endpoint }),
    plan,
    target: realFolderTarget(dir, APFS),
    mirrors: [],
    progressIntervalMs: 10,
    control: {
      signal: ctl.signal,
      onProgress: (p) => {
        if (!paused && p.active.filter((a) => a.bytesDone > 0).length === SIZES.length) {
          paused = p;
          released();
        }
      },
    },
  });
  await atPause;
  ctl.abort();
  const report = await first;
  proxy.setFault(undefined);
  expect(report.aborted).toBe(true);
  expect(report.downloaded).toBe(0);
  const received = new Map(paused!.active.map((a) => [a.localPath, a.bytesDone]));
  expect(received.size).toBe(SIZES.length);

  proxy.resetStats();
  const second = await executePlan({ client: createS3Client({ endpoint: proxy.endpoint }), plan, target: realFolderTarget(dir, APFS), mirrors: [] });
  expect(second.failed).toEqual([]);
  for (const [key, body] of bodies) expect(readFileSync(join(dir, key.slice(3))).equals(body), key).toBe(true);
  for (const [localPath, got] of received) {
    const ranges = proxy.stats.perKey.get(`ds/${localPath}`)?.ranges ?? [];
    expect(ranges, localPath).toHaveLength(1);
    // From at least what the progress had counted when the bodies stopped (more may have been in flight).
    expect(Number(/^bytes=(\d+)-$/.exec(ranges[0]!)?.[1]), localPath).toBeGreaterThanOrEqual(got);
  }
});
