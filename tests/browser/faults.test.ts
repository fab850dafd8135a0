// Faults (README.md, "Faults and bad input"), in Chromium into OPFS: the same scenario as tests/integration/faults.test.ts through
// the fault-injecting proxy (5% of object GETs: 500, 503 SlowDown, reset mid-body, short body, stall)
// with objects replaced after listing. Every file equals its source or is reported with its reason.
import { freshFolder, sha256, walkFiles } from '#harness/opfs.ts';
import { expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import type { DownloadPlan } from '../../src/lib/plan/index.ts';
import { createS3Client, listAll } from '../../src/lib/s3/index.ts';
import { executePlan } from '../../src/lib/save/executor.ts';
import { toSaveTarget } from '../../src/lib/save/target.ts';

const FILES = 2000;
const BUCKET = 'browser-faults';
const PREFIX = 'ds';

it(`${FILES} files into OPFS, 5% of requests faulted, objects replaced after listing: every file exact or reported`, async () => {
  const seeded = await commands.s3Seed(
    BUCKET,
    `${PREFIX}/`,
    Array.from({ length: FILES }, (_, i) => {
      const sub = `sub-${String(Math.floor(i / 20)).padStart(4, '0')}`;
      return { name: `${sub}/dwi/${sub}_run-${String(i % 20).padStart(2, '0')}_dwi.bval`, size: 1024 + ((i * 7919) % 7168) };
    }),
  );
  // A stalled body stays silent far longer than the saver's stall limit below.
  const proxy = await commands.proxyStart({ stallMs: 20_000 });
  const objects = await listAll(createS3Client({ endpoint: inject('motoEndpoint') }), BUCKET, `${PREFIX}/`);
  const plan: DownloadPlan = {
    bucket: BUCKET,
    prefix: PREFIX,
    entries: objects.map((o) => ({ ...o, localPath: o.key.slice(PREFIX.length + 1), action: 'download' as const })),
  };
  const replaced = seeded.filter((_, i) => i % 200 === 7).map((o) => o.key);
  await commands.s3Replace(BUCKET, replaced);

  const dir = await freshFolder('faults');
  await commands.proxyReset(proxy);
  await commands.proxyFaultMix(proxy, 0.05, 7);
  const t = performance.now();
  const report = await executePlan({
    client: createS3Client({ endpoint: proxy }),
    plan,
    target: await toSaveTarget(dir),
    mirrors: [],
    // Long enough that a healthy response slowed by a busy machine is not taken for a stall (at 400 ms, a
    // loaded run retried more healthy requests than it had faults; six in a row would fail a file).
    stallMs: 2000,
    retryBaseMs: 20,
    retryMaxMs: 300,
  });
  const seconds = (performance.now() - t) / 1000;
  const f = await commands.proxyFaultStats(proxy);
  await commands.proxyFaultMix(proxy, 0, 0);

  const problems: string[] = [];
  const bySha = new Map(seeded.map((o) => [o.key.slice(PREFIX.length + 1), o.sha256]));
  const files = await walkFiles(dir);
  let verified = 0;
  for (const [rel, file] of files) {
    if (rel.startsWith('.s3bids/')) continue;
    if (!bySha.has(rel)) problems.push(`${rel}: not a planned file`);
    else if (replaced.includes(`${PREFIX}/${rel}`)) problems.push(`${rel}: saved although it changed after listing`);
    else if ((await sha256(file)) !== bySha.get(rel)) problems.push(`${rel}: differs from its source (${file.size} bytes)`);
    else verified++;
  }
  const failed = new Set(report.failed.map((x) => x.localPath));
  for (const e of plan.entries) if (!files.has(e.localPath) && !failed.has(e.localPath)) problems.push(`${e.localPath}: neither saved nor reported`);
  const modes = Object.entries(f.byMode).map(([m, n]) => `${m}:${n}`).join(' ');
  console.log(
    `faults (Chromium, OPFS): ${FILES} files, ${f.requests} requests, ${f.injected} faults injected (${modes}), ${f.retries} retries, ` +
      `${verified} verified, ${report.failed.length} failed (${replaced.length} replaced after listing), ${seconds.toFixed(1)} s`,
  );

  expect(problems).toEqual([]);
  for (const m of ['500', '503', 'reset-mid-body', 'short-body', 'stall']) expect(f.byMode[m], m).toBeGreaterThan(0);
  expect(f.injected).toBeGreaterThan(0.03 * FILES);
  expect(report.failed.map((x) => `${x.key}: ${x.reason}`).sort()).toEqual([...replaced].sort().map((k) => expect.stringMatching(`^${k}: `)));
  for (const x of report.failed) expect(x.reason).toMatch(/changed on S3 since it was listed/);
  expect(verified + report.failed.length).toBe(FILES);
  expect([...files.keys()].filter((p) => p.startsWith('.s3bids/partial/'))).toEqual([]);
}, 600_000);
