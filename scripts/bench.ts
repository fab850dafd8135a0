// `npm run bench`: starts moto and a 30 ms delay proxy, generates the data, runs every scenario of
// docs/contract.md, "Performance", prints a table and writes bench/results.md and bench/results.json.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { serveDir } from '#harness/app.ts';
import { runFaultScenario, faultSummary } from '#harness/faults.ts';
import { bigNiftiGz } from '#harness/fixtures/big-nifti.ts';
import { largeStudy, largeStudyKeyCount, seedFiles } from '#harness/fixtures/index.ts';
import { startMoto } from '#harness/moto.ts';
import { startProxy } from '#harness/proxy.ts';
import { createS3Client } from '../src/lib/s3/index.ts';
import { participantsRenderFigures, planTreeRenderFigure } from '../bench/lib/app.ts';
import { buildBenchPage, openBench } from '../bench/lib/browser.ts';
import { listingFigures, nonSubjectListingFigure, nonSubjectStudy } from '../bench/lib/listing.ts';
import { SCALE_NAMES, scaleFigures } from '../bench/lib/scale.ts';
import { buildAppForBench, bundleFigure, niftiFigure, participantsFigures, participantsTsv } from '../bench/lib/misc.ts';
import { machine, median, notMeasured, printTable, round, writeResults, type Figure } from '../bench/lib/report.ts';
import { heapFigure, savingFigures, withTimeout } from '../bench/lib/saving.ts';

const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 30);
const started = performance.now();
const log = (m: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}`);

// moto with the fast listing: a page costs little whatever the bucket's size, as on S3 (harness/README.md).
const moto = await startMoto({ fastListing: true });
const proxy = await startProxy({ target: moto.endpoint, delayMs: DELAY_MS });
const client = createS3Client({ endpoint: proxy.endpoint });
const figures: Figure[] = [];
let chromiumVersion = 'Chromium (not started)';
const cleanup: (() => Promise<unknown>)[] = [];
const failures: string[] = [];
const failedGroups = new Map<string, string>();
/** The group running now, for a report of where an interrupted run stopped. */
let running: string | undefined;
/** Set by a signal: the handler reports and exits; the main flow must not report a second time. */
let interrupted = false;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
// A stray rejection or exception (a browser gone mid-call, a socket error) is recorded and the run goes
// on to write what it measured; it used to end the process silently with nothing written.
process.on('unhandledRejection', (e) => {
  console.error('bench: unhandled rejection', e);
  failures.push(`unhandled rejection: ${message(e)}`);
});
process.on('uncaughtException', (e) => {
  console.error('bench: uncaught exception', e);
  failures.push(`uncaught exception: ${message(e)}`);
});
// BENCH_ONLY=saving,listing runs just those groups (for working on one figure; a full run is the record).
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const wants = (name: string) => !only || only.includes(name);
/** A group still running after this is hung, not slow (a full run takes about 19 minutes on 2 quiet cores). */
const GROUP_LIMIT_MS = 45 * 60_000;
/** One scenario group; a failure is recorded, reported at the end, and the next group still runs. */
async function stage(name: string, fn: () => Promise<void>): Promise<void> {
  if (!wants(name)) return;
  log(`${name}…`);
  running = name;
  try {
    await withTimeout(fn(), GROUP_LIMIT_MS, `the ${name} group`);
    log(`${name} done`);
  } catch (e) {
    console.error(e);
    failures.push(`${name}: ${message(e)}`);
    failedGroups.set(name, message(e));
    log(`${name} FAILED: ${message(e)}`);
  }
  running = undefined;
}

// Every figure docs/contract.md, "Performance", names appears, measured or not.
const NAMES = [
  'list-1000x25', 'list-1000x25-vs-single-pass', 'list-nonsub-2000-folders', 'list-cached-revisit', 'save-small-vs-sequential', 'save-small-vs-ceiling',
  'save-big-vs-ceiling', 'save-small-vs-awscli', 'save-big-vs-awscli', 'save-small-hosts-1', 'save-small-hosts-2',
  'save-small-hosts-4', 'save-small-hosts-8', 'save-small-vs-awscli-100ms', 'save-small-hosts-8-vs-ceiling', 'save-1gb-heap-growth', 'initial-js-gzip',
  'participants-10k-parse', 'participants-10k-render', 'participants-10k-filter', 'participants-10k-filter-paint',
  'participants-10k-sort-paint', 'participants-100k-parse', 'nifti-header-bytes', 'faults-2000-files',
  'plan-tree-25k-render',
];
NAMES.push(...SCALE_NAMES);
const GROUP_OF: Record<string, string> = {
  ...Object.fromEntries(SCALE_NAMES.map((n) => [n, 'hbn scale'])),
  'list-1000x25': 'listing', 'list-1000x25-vs-single-pass': 'listing', 'list-nonsub-2000-folders': 'listing',
  'list-cached-revisit': 'cached revisit',
  'save-small-vs-sequential': 'saving', 'save-small-vs-ceiling': 'saving', 'save-big-vs-ceiling': 'saving',
  'save-small-vs-awscli': 'saving', 'save-big-vs-awscli': 'saving', 'save-small-hosts-1': 'saving',
  'save-small-hosts-2': 'saving', 'save-small-hosts-4': 'saving', 'save-small-hosts-8': 'saving', 'save-small-vs-awscli-100ms': 'saving', 'save-small-hosts-8-vs-ceiling': 'saving', 'save-1gb-heap-growth': '1 GB heap',
  'initial-js-gzip': 'participants and bundle', 'participants-10k-parse': 'participants and bundle',
  'participants-10k-render': 'participants and bundle', 'participants-10k-filter': 'participants and bundle',
  'participants-10k-filter-paint': 'participants and bundle', 'participants-10k-sort-paint': 'participants and bundle',
  'participants-100k-parse': 'participants and bundle',
  'nifti-header-bytes': 'nifti', 'faults-2000-files': 'faults', 'plan-tree-25k-render': 'plan tree',
};
const whyMissing = (n: string) => {
  const group = GROUP_OF[n] ?? '';
  if (!wants(group)) return `not in BENCH_ONLY`;
  const failed = failedGroups.get(group);
  if (failed) return `the ${group} group failed: ${failed}`;
  return group === running ? `the run was interrupted in the ${group} group` : 'the run stopped before this scenario';
};
/** Every figure, measured or with why not; printed as a table. */
function measured(): Figure[] {
  const ordered = NAMES.map((n) => figures.find((f) => f.name === n) ?? notMeasured(n, '', '', whyMissing(n)));
  printTable(ordered);
  return ordered;
}
function reportFailures(): void {
  if (failures.length === 0) return;
  console.error(`\nbench: ${failures.length} failure(s) in this run:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.exitCode = 1;
}
// Stopped from outside (Ctrl-C, a closed terminal, a supervisor's time limit): say where, show what was
// measured, and leave the results files alone, as a partial run is not the record.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    failures.push(`interrupted by ${signal} after ${((performance.now() - started) / 1000).toFixed(0)} s${running ? ` in the ${running} group` : ''}`);
    measured();
    reportFailures();
    log('interrupted: results files left as they were (only a full run is recorded)');
    const stopAll = async () => {
      for (const f of [...cleanup].reverse()) await f().catch(() => undefined);
      await proxy.stop();
      await moto.stop();
    };
    void Promise.race([stopAll(), new Promise((r) => setTimeout(r, 10_000))]).finally(() => process.exit(130));
  });

try {
  log(`moto ${moto.endpoint}, proxy ${proxy.endpoint} (+${DELAY_MS} ms per request)`);
  await moto.createBucket('bench-list');
  const keyCount = largeStudyKeyCount(1000, 25);
  if (wants('listing') || wants('cached revisit') || wants('plan tree')) {
    await seedFiles(moto, 'bench-list', 'large', largeStudy(1000, 25), { concurrency: 16 });
    log(`seeded ${keyCount} keys`);
  }
  // Its own bucket, so that list-1000x25's bucket holds that study alone.
  const nonSub = nonSubjectStudy(2000, 5);
  if (wants('listing')) {
    await moto.createBucket('bench-nonsub');
    await seedFiles(moto, 'bench-nonsub', 'wide', nonSub, { concurrency: 16 });
    log(`seeded ${nonSub.length} keys in 2,000 non-subject folders`);
  }
  await stage('listing', async () => {
    figures.push(...(await listingFigures(client, 'bench-list', 'large', keyCount)));
    figures.push(await nonSubjectListingFigure(client, 'bench-nonsub', 'wide', nonSub.length));
  });

  const pageDir = await buildBenchPage();
  const server = await serveDir(pageDir);
  cleanup.push(server.close, async () => rmSync(pageDir, { recursive: true, force: true }));
  const b = await openBench(server.url);
  cleanup.push(b.close);
  chromiumVersion = b.version;

  // Cached revisit: cold = listStudy from S3 in the page; cached = a reloaded page reading IndexedDB.
  const where = { endpoint: proxy.endpoint, bucket: 'bench-list', prefix: 'large' };
  await stage('cached revisit', async () => {
  const cold: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c = await b.call<{ ms: number; keys: number; stored: boolean }>('listCold', where);
    if (c.keys !== keyCount || !c.stored) throw new Error(`cold listing in Chromium: ${c.keys} keys, stored ${c.stored}`);
    cold.push(c.ms);
    await b.reload();
    const r = await b.call<{ ms: number; keys: number; changed: boolean }>('listCached', where);
    if (r.keys !== keyCount || r.changed) throw new Error(`cached listing: ${r.keys} keys, changed ${r.changed}`);
    cached.push(r.ms);
  }
  const coldMs = median(cold);
  const cachedMs = median(cached);
  figures.push({
    name: 'list-cached-revisit',
    value: round(cachedMs, 1),
    unit: 'ms',
    reference: 'cold listing in the same page',
    referenceValue: round(coldMs, 1),
    ratio: round(cachedMs / coldMs, 3),
    target: '< 0.1',
    pass: cachedMs / coldMs < 0.1,
    note: `Chromium, ${keyCount} keys; cold ${cold.map((v) => v.toFixed(0)).join(', ')} ms; cached (after a reload, IndexedDB) ${cached.map((v) => v.toFixed(0)).join(', ')} ms`,
  });
  });

  // The built app, once, for the groups that open it.
  let appBuild: Promise<string> | undefined;
  const appDir = () =>
    (appBuild ??= buildAppForBench().then((dir) => {
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
      return dir;
    }));
  await stage('hbn scale', async () => void figures.push(...(await scaleFigures({ b, appDir, delayMs: DELAY_MS, log }))));

  await moto.createBucket('bench-save');
  const small = Array.from({ length: 2000 }, (_, i) => ({ key: `s/f${String(i).padStart(4, '0')}.bin`, body: randomBytes(10 * 1024) }));
  await seedFiles(moto, 'bench-save', 'small', small, { concurrency: 16 });
  const big = Array.from({ length: 40 }, (_, i) => ({ key: `b/f${String(i).padStart(2, '0')}.bin`, body: randomBytes(10 * 2 ** 20) }));
  await seedFiles(moto, 'bench-save', 'big', big, { concurrency: 4 });
  log('seeded 2,000 x 10 KB and 40 x 10 MB');
  await stage('saving', async () => {
    // Host pools: one proxy per loopback address (distinct hosts to Chromium), all in front of the same moto.
    const extra = [];
    try {
      for (let i = 2; i <= 8; i++) extra.push(await startProxy({ target: moto.endpoint, delayMs: DELAY_MS, host: `127.0.0.${i}` }));
      const slow = [];
      for (let i = 1; i <= 8; i++) slow.push(await startProxy({ target: moto.endpoint, delayMs: 100, host: `127.0.0.${i}` }));
      extra.push(...slow);
      const hosts = [proxy.endpoint, ...extra.slice(0, 7).map((p) => p.endpoint)];
      figures.push(...(await savingFigures(b, proxy.endpoint, 'bench-save', hosts, slow.map((p) => p.endpoint), moto.pid)));
    } finally {
      for (const p of extra) await p.stop();
    }
  });

  await stage('1 GB heap', async () => {
    await moto.put('bench-save', 'huge/one.bin', Buffer.alloc(2 ** 30, 7));
    figures.push(await heapFigure(b, proxy.endpoint, 'bench-save'));
    await moto.admin.send(new PutObjectCommand({ Bucket: 'bench-save', Key: 'huge/one.bin', Body: 'x' }));
  });

  await stage('participants and bundle', async () => {
    figures.push(...(await participantsFigures()));
    figures.push(await bundleFigure(await appDir()));
    figures.push(...(await participantsRenderFigures(moto, await appDir(), participantsTsv())));
  });

  await stage('plan tree', async () => {
    figures.push(await planTreeRenderFigure(moto, await appDir(), 'bench-list', 'large', keyCount));
  });

  await stage('nifti', async () => {
    const nii = await bigNiftiGz();
    await moto.put('bench-save', 'nifti/sub-01_dwi.nii.gz', readFileSync(nii.path));
    figures.push(await niftiFigure(client, 'bench-save', 'nifti/sub-01_dwi.nii.gz', nii.size, () => proxy.stats.bytesOut));
  });
  await stage('faults', async () => {
    // Every object can be fetched, so every file must end byte-identical: the ratio is the whole story.
    const r = await runFaultScenario({ files: 2000, faultRate: 0.05, seed: 7, replaced: 0, moto });
    const ratio = r.filesVerified / r.files;
    figures.push({
      name: 'faults-2000-files',
      value: r.filesVerified,
      unit: 'files verified',
      reference: 'files saved',
      referenceValue: r.files,
      ratio: round(ratio, 4),
      target: '= 1',
      pass: ratio === 1 && r.filesFailed === 0,
      note: `Node saver through the fault proxy: ${faultSummary(r)}`,
    });
  });
} catch (e) {
  // Outside any group (seeding, building the page, starting Chromium): every later figure is missing.
  if (!interrupted) {
    console.error(e);
    failures.push(`the run stopped: ${message(e)}`);
  }
} finally {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  await proxy.stop();
  await moto.stop();
}

// Interrupted: what follows the signal (requests to a stopped moto) is not news; the handler reports and exits.
if (interrupted) await new Promise(() => undefined);
const ordered = measured();
const total = (performance.now() - started) / 1000;
reportFailures();
if (only) {
  log(`BENCH_ONLY=${only.join(',')}: results files left as they were (only a full run is recorded)`);
  process.exit(process.exitCode ?? 0);
}
writeResults(resolve(import.meta.dirname, '../bench'), machine(chromiumVersion), ordered, [
  ...(failures.length ? ['Failures in this run:', ...failures.map((f) => `- ${f}`), ''] : []),
  `Whole run: ${total.toFixed(0)} s. Listing ran in Node (the engine's listStudy over the AWS SDK, 8 parallel); the cached revisit and`,
  'all saving ran in headless Chromium (bench/page built with Vite, driven by playwright-core) into OPFS.',
]);
log(`wrote bench/results.md and bench/results.json in ${total.toFixed(0)} s`);
// Chromium, sockets or timers left behind by a failed group must not keep the process alive.
process.exit(process.exitCode ?? 0);
