// The fault scenario (README.md, "Faults and bad input"): a save of many small objects through a proxy that faults a share of
// the requests (500, 503 SlowDown, reset mid-body, short body, stall) while some objects are replaced
// after listing. Afterwards the folder is walked: every file outside .s3bids/ must equal its source.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedFiles } from './fixtures/index.ts';
import { createRng } from './fixtures/prng.ts';
import { startMoto, type Moto } from './moto.ts';
import { FAULT_MODES, faultMix, startProxy } from './proxy.ts';
import type { DownloadPlan } from '../src/lib/plan/index.ts';
import { createS3Client, listAll } from '../src/lib/s3/index.ts';
import { executePlan } from '../src/lib/save/executor.ts';
import { nodeFolderTarget } from '../src/lib/save/node-folder.ts';
import type { DownloadReport } from '../src/lib/save/types.ts';

export { FAULT_MODES };

export interface FaultScenarioOptions {
  files: number;
  /** Share of object GETs faulted, 0–1. */
  faultRate: number;
  seed: number;
  /** Objects replaced on S3 after the plan was made. Default 0.5% of the files (at least 1). */
  replaced?: number;
  /** A running moto to reuse (the scenario starts its own otherwise). */
  moto?: Moto;
  /**
   * The executor's stall timeout; the proxy holds a stalled body 10× longer. Default 2 s: long enough that
   * a healthy response slowed by a busy machine is not taken for a stall.
   */
  stallMs?: number;
  concurrency?: number;
  /** Keep the folder afterwards (it is removed by default). */
  keepDir?: boolean;
}

export interface FaultScenarioResult {
  /** Requests the proxy saw during the save. */
  requests: number;
  faultsInjected: number;
  faultsByMode: Record<string, number>;
  /** Object requests beyond the first per file: retries and resumptions. */
  retries: number;
  /** Files on disk byte-identical to their source. */
  filesVerified: number;
  /** Files the report lists as failed, each with a reason. */
  filesFailed: number;
  files: number;
  bytes: number;
  seconds: number;
  replacedKeys: string[];
  failed: DownloadReport['failed'];
  /** Anything wrong found by the walk: a file differing from its source, a planned file neither saved nor reported, a stray file. */
  problems: string[];
  dir: string;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => p.split('\\').join('/'))
    .filter((p) => statSync(join(dir, p)).isFile());
}

export async function runFaultScenario(opts: FaultScenarioOptions): Promise<FaultScenarioResult> {
  const stallMs = opts.stallMs ?? 2000;
  const moto = opts.moto ?? (await startMoto());
  const proxy = await startProxy({ target: moto.endpoint, stallMs: stallMs * 10 });
  const bucket = `faults-${opts.seed}-${opts.files}`.toLowerCase();
  const prefix = 'ds';
  const dir = mkdtempSync(join(tmpdir(), 's3bids-faults-'));
  try {
    const rng = createRng(opts.seed);
    const sources = new Map<string, Uint8Array>();
    const files = Array.from({ length: opts.files }, (_, i) => {
      const sub = `sub-${String(Math.floor(i / 20)).padStart(4, '0')}`;
      const size = 1024 + Math.floor(rng.next() * 15 * 1024);
      const body = rng.bytes(size);
      const key = `${sub}/dwi/${sub}_run-${String(i % 20).padStart(2, '0')}_dwi.bval`;
      sources.set(`${prefix}/${key}`, body);
      return { key, body };
    });
    await moto.createBucket(bucket);
    await seedFiles(moto, bucket, prefix, files);

    const objects = await listAll(createS3Client({ endpoint: moto.endpoint }), bucket, `${prefix}/`);
    const plan: DownloadPlan = {
      bucket,
      prefix,
      entries: objects.map((o) => ({ ...o, localPath: o.key.slice(prefix.length + 1), action: 'download' as const })),
    };
    // Replaced after listing: the plan's ETag no longer names what S3 serves.
    const count = opts.replaced ?? Math.max(1, Math.round(opts.files * 0.005));
    const step = Math.max(1, Math.floor(opts.files / Math.max(1, count)));
    const all = [...sources.keys()];
    const replacedKeys = Array.from({ length: Math.min(count, opts.files) }, (_, k) => all[(7 + k * step) % all.length]!);
    for (const key of replacedKeys) {
      const body = new Uint8Array(sources.get(key)!.length).fill(0x5a);
      await moto.put(bucket, key, body);
    }

    const faults = faultMix(opts.faultRate, opts.seed);
    proxy.resetStats();
    proxy.setFault(faults.pick);
    const t = performance.now();
    const report = await executePlan({
      client: createS3Client({ endpoint: proxy.endpoint }),
      plan,
      target: nodeFolderTarget(dir),
      mirrors: [],
      stallMs,
      retryBaseMs: 20,
      retryMaxMs: 300,
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    });
    const seconds = (performance.now() - t) / 1000;
    proxy.setFault(undefined);

    const problems: string[] = [];
    const failedPaths = new Set(report.failed.map((f) => f.localPath));
    for (const f of report.failed) if (!f.reason) problems.push(`${f.localPath} failed without a reason`);
    let filesVerified = 0;
    const onDisk = new Set<string>();
    for (const rel of walk(dir)) {
      if (rel.startsWith('.s3bids/')) continue;
      onDisk.add(rel);
      const src = sources.get(`${prefix}/${rel}`);
      if (!src) problems.push(`${rel}: not a planned file`);
      else if (replacedKeys.includes(`${prefix}/${rel}`)) problems.push(`${rel}: saved although it changed after listing`);
      else if (sha(readFileSync(join(dir, rel))) !== sha(src)) problems.push(`${rel}: differs from its source (${statSync(join(dir, rel)).size} of ${src.length} bytes)`);
      else filesVerified++;
    }
    for (const e of plan.entries) if (!onDisk.has(e.localPath) && !failedPaths.has(e.localPath)) problems.push(`${e.localPath}: neither saved nor reported`);

    let retries = 0;
    for (const [key, k] of proxy.stats.perKey) if (key !== '') retries += k.requests - 1;
    const { injected, byMode } = faults.stats();
    return {
      requests: proxy.stats.requests,
      faultsInjected: injected,
      faultsByMode: byMode,
      retries,
      filesVerified,
      filesFailed: report.failed.length,
      files: plan.entries.length,
      bytes: report.bytes,
      seconds,
      replacedKeys,
      failed: report.failed,
      problems,
      dir,
    };
  } finally {
    await proxy.stop();
    if (!opts.moto) await moto.stop();
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The one-line summary tests and the bench print. */
export function faultSummary(r: FaultScenarioResult): string {
  const modes = Object.entries(r.faultsByMode)
    .map(([m, n]) => `${m}:${n}`)
    .join(' ');
  return (
    `faults: ${r.files} files, ${r.requests} requests, ${r.faultsInjected} faults injected (${modes}), ${r.retries} retries, ` +
    `${r.filesVerified} verified, ${r.filesFailed} failed (${r.replacedKeys.length} replaced after listing), ` +
    `${(r.bytes / 2 ** 20).toFixed(1)} MB in ${r.seconds.toFixed(1)} s`
  );
}
