// Saving in Chromium into OPFS through the delay proxy: ours vs one-at-a-time, vs a minimal
// fetch → pipeTo loop at the same concurrency, vs `aws s3 cp --recursive`; and the JS heap on 1 GB.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchBrowser } from './browser.ts';
import { notMeasured, round, type Figure } from './report.ts';

export interface SaveRun {
  ms: number;
  files: number;
  failed: number;
  bytes: number;
}

const CONCURRENCY = 6;
/** A safety net, not a measure: one save taking this long means something is broken, not slow. */
const RUN_LIMIT_MS = 600_000;

/** A scenario that hangs must not hang the whole bench: it becomes "not measured (timed out)". */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function run(b: BenchBrowser, fn: 'save' | 'ceiling', endpoint: string, bucket: string, prefix: string, concurrency: number | undefined, mirrors?: string[]) {
  const what = `${fn} ${prefix} x${concurrency ?? 'pools'}${mirrors ? ` over ${mirrors.length + 1} hosts` : ''}`;
  const call = b.call<SaveRun>(fn, {
    endpoint,
    bucket,
    prefix,
    dir: `bench-${fn}-${prefix}-${concurrency ?? 'pools'}`,
    ...(concurrency ? { concurrency } : {}),
    ...(mirrors ? { mirrors } : {}),
  });
  let r: SaveRun;
  try {
    r = await withTimeout(call, RUN_LIMIT_MS, what);
  } catch (e) {
    // Stopped in the page, and settled, before the next run starts there: a run left going underneath
    // would slow every later figure and fight over OPFS.
    await b.call('abort').catch(() => undefined);
    await withTimeout(call.catch(() => undefined), 60_000, `stopping ${what}`).catch(() => undefined);
    throw e;
  } finally {
    await withTimeout(b.call('clearOpfs'), 120_000, 'clearing OPFS');
  }
  if (r.failed) throw new Error(`${fn} of ${prefix}: ${r.failed} files failed`);
  return r;
}

// Asynchronous on purpose: the proxy runs in this process, and a synchronous child would starve it.
async function awsCli(endpoint: string, bucket: string, prefix: string): Promise<{ ms: number; cpu?: Cpu }> {
  const dir = mkdtempSync(join(tmpdir(), 's3bids-awscli-'));
  const cpu = cpuMeter();
  const t = performance.now();
  await promisify(execFile)(
    'aws',
    ['s3', 'cp', '--recursive', '--no-sign-request', '--only-show-errors', '--endpoint-url', endpoint, `s3://${bucket}/${prefix}/`, dir],
    { env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' }, timeout: 300_000 },
  );
  const ms = performance.now() - t;
  rmSync(dir, { recursive: true, force: true });
  return { ms, cpu: cpu() };
}

/** CPU seconds per wall second over a run: the proxies (this process) and moto; 2.0 is the whole machine. */
export interface Cpu {
  proxy: number;
  moto: number;
}
let motoPid: number | undefined;
const ticks = (pid: number) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
};
function cpuMeter(): () => Cpu {
  const t = performance.now();
  const p = process.cpuUsage();
  const m = motoPid ? ticks(motoPid) : NaN;
  return () => {
    const wall = (performance.now() - t) / 1000;
    const u = process.cpuUsage(p);
    return { proxy: (u.user + u.system) / 1e6 / wall, moto: ((motoPid ? ticks(motoPid) : NaN) - m) / wall };
  };
}
const cpuText = (c: Cpu | undefined) => (c ? `CPU: proxies ${c.proxy.toFixed(2)}, moto ${Number.isFinite(c.moto) ? c.moto.toFixed(2) : '?'} cores` : '');

async function runWithCpu(...args: Parameters<typeof run>): Promise<SaveRun & { cpu: Cpu }> {
  const cpu = cpuMeter();
  const r = await run(...args);
  return { ...r, cpu: cpu() };
}

const rate = (files: number, ms: number) => files / (ms / 1000);
const mbps = (bytes: number, ms: number) => bytes / 2 ** 20 / (ms / 1000);

/**
 * `hosts`: endpoints at the bench's delay on distinct loopback addresses (the first is `endpoint`), each a
 * host pool to Chromium; `slowHosts`: the same at +100 ms per request. `moto`: its process, for CPU figures.
 */
export async function savingFigures(
  b: BenchBrowser,
  endpoint: string,
  bucket: string,
  hosts: string[] = [endpoint],
  slowHosts: string[] = [],
  moto?: number,
): Promise<Figure[]> {
  motoPid = moto;
  const errors: string[] = [];
  const attempt = async <T,>(f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (e) {
      errors.push(String(e instanceof Error ? e.message : e));
      console.error(e);
      return undefined;
    }
  };
  // Ours and the ceiling alternate, each going first in turn, and the best of each counts: on a shared
  // 2-core machine a load spike then hits both sides instead of deciding the ratio.
  const paired = async (prefix: string, rounds: number) => {
    const ours: SaveRun[] = [];
    const ceil: SaveRun[] = [];
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? (['save', 'ceiling'] as const) : (['ceiling', 'save'] as const);
      for (const fn of order) {
        const r = await attempt(() => run(b, fn, endpoint, bucket, prefix, CONCURRENCY));
        if (r) (fn === 'save' ? ours : ceil).push(r);
      }
    }
    const best = (rs: SaveRun[]) => (rs.length ? rs.reduce((a, c) => (c.ms < a.ms ? c : a)) : undefined);
    return { ours: best(ours), ceil: best(ceil), all: { ours: ours.map((r) => r.ms), ceil: ceil.map((r) => r.ms) } };
  };
  const small = await paired('small', 3);
  const smallOurs = small.ours;
  const smallCeil = small.ceil;
  const smallSeq = await attempt(() => run(b, 'save', endpoint, bucket, 'small', 1));
  const big = await paired('big', 3);
  const bigOurs = big.ours;
  const bigCeil = big.ceil;
  const runs = (ms: number[]) => ms.map((m) => (m / 1000).toFixed(2)).join(', ');
  const smallAws = await attempt(() => awsCli(endpoint, bucket, 'small'));
  const bigAws = await attempt(() => awsCli(endpoint, bucket, 'big'));
  // Ours as shipped: every host a pool of six (docs/hosts.md), against the AWS CLI's 10 parallel requests.
  const pooled = hosts.length > 1 ? { endpoint: hosts[0]!, mirrors: hosts.slice(1) } : undefined;
  const best2 = async (prefix: string) => {
    const rs: (SaveRun & { cpu: Cpu })[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await attempt(() => runWithCpu(b, 'save', pooled?.endpoint ?? endpoint, bucket, prefix, undefined, pooled?.mirrors));
      if (r) rs.push(r);
    }
    return rs.length ? rs.reduce((a, c) => (c.ms < a.ms ? c : a)) : undefined;
  };
  const smallPools = await best2('small');
  const bigPools = await best2('big');
  // At S3's real latency (+100 ms a request): 1, 2, 4 and 8 hosts, and the AWS CLI through the same proxy.
  const slow: Record<number, (SaveRun & { cpu: Cpu }) | undefined> = {};
  for (const k of [1, 2, 4, 8]) {
    if (slowHosts.length < k) continue;
    slow[k] = await attempt(() => runWithCpu(b, 'save', slowHosts[0]!, bucket, 'small', undefined, k > 1 ? slowHosts.slice(1, k) : undefined));
  }
  const slowAws = slowHosts.length ? await attempt(() => awsCli(slowHosts[0]!, bucket, 'small')) : undefined;
  // What this machine allows at +100 ms: the bare loop over the same 8 hosts, 48 in flight; and Chromium
  // writing the same files from memory with no network at all.
  const slowCeil = slowHosts.length >= 8
    ? await attempt(() => runWithCpu(b, 'ceiling', slowHosts[0]!, bucket, 'small', 48, slowHosts.slice(1, 8)))
    : undefined;
  const writeOnly = await attempt(async () => {
    try {
      return await withTimeout(b.call<SaveRun>('writeOnly', { dir: 'bench-write-only', files: 2000, size: 10 * 1024, concurrency: 48 }), RUN_LIMIT_MS, 'write-only');
    } finally {
      await withTimeout(b.call('clearOpfs'), 120_000, 'clearing OPFS');
    }
  });
  const n = 2000;
  const bytes = 40 * 10 * 2 ** 20;
  const why = () => `a run failed: ${errors.join('; ') || 'unknown'}`;
  const fig = (name: string, oursRun: { ms: number } | undefined, refRun: { ms: number } | undefined, unit: string, ref: string, target: string, note: () => string): Figure => {
    const per = unit === 'files/s' ? (r: { ms: number }) => rate(n, r.ms) : (r: { ms: number }) => mbps(bytes, r.ms);
    if (!oursRun || !refRun) return notMeasured(name, unit, target, why());
    const ours = per(oursRun);
    const refValue = per(refRun);
    const ratio = ours / refValue;
    const min = Number(/>=\s*([\d.]+)/.exec(target)?.[1] ?? NaN);
    return {
      name,
      value: round(ours, 1),
      unit,
      reference: ref,
      referenceValue: round(refValue, 1),
      ratio: round(ratio),
      target,
      ...(Number.isFinite(min) ? { pass: ratio >= min } : {}),
      note: note(),
    };
  };
  const secs = (r: { ms: number } | undefined) => (r ? `${(r.ms / 1000).toFixed(2)} s` : '—');
  return [
    fig('save-small-vs-sequential', smallOurs, smallSeq, 'files/s', 'one-at-a-time (our saver, concurrency 1)', '>= 4',
      () => `${n} x 10 KB: ours ${secs(smallOurs)} at concurrency ${CONCURRENCY}, one at a time ${secs(smallSeq)}`),
    fig('save-small-vs-ceiling', smallOurs, smallCeil, 'files/s', `fetch→pipeTo loop, ${CONCURRENCY} parallel`, '>= 0.9',
      () => `best of ${small.all.ours.length} alternating runs: ours ${secs(smallOurs)} (${runs(small.all.ours)} s), ceiling ${secs(smallCeil)} (${runs(small.all.ceil)} s)`),
    fig('save-big-vs-ceiling', bigOurs, bigCeil, 'MB/s', `fetch→pipeTo loop, ${CONCURRENCY} parallel`, '>= 0.9',
      () => `40 x 10 MB, best of ${big.all.ours.length} alternating runs: ours ${secs(bigOurs)} (${runs(big.all.ours)} s), ceiling ${secs(bigCeil)} (${runs(big.all.ceil)} s)`),
    fig('save-small-vs-awscli', smallPools, smallAws, 'files/s', 'aws s3 cp --recursive', 'reported',
      () => `ours over ${hosts.length} host pools ${secs(smallPools)} (${cpuText(smallPools?.cpu)}), aws cli ${secs(smallAws)} (10 parallel requests; process start included; ${cpuText(smallAws?.cpu)})`),
    fig('save-big-vs-awscli', bigPools, bigAws, 'MB/s', 'aws s3 cp --recursive', 'reported',
      () => `ours over ${hosts.length} host pools ${secs(bigPools)} (${cpuText(bigPools?.cpu)}), aws cli ${secs(bigAws)} (${cpuText(bigAws?.cpu)})`),
    ...[1, 2, 4, 8].map((k): Figure => {
      const name = `save-small-hosts-${k}`;
      const r = slow[k];
      const target = k === 8 ? '>= 3 x save-small-hosts-1' : 'reported';
      if (!r) return notMeasured(name, 'files/s', target, slowHosts.length < k ? `only ${slowHosts.length} hosts` : why());
      const v = rate(n, r.ms);
      const one = slow[1] ? rate(n, slow[1].ms) : undefined;
      return {
        name,
        value: round(v, 1),
        unit: 'files/s',
        ...(one ? { reference: 'save-small-hosts-1', referenceValue: round(one, 1), ratio: round(v / one) } : {}),
        target,
        ...(k === 8 && one ? { pass: v / one >= 3 } : {}),
        note: `${n} x 10 KB at +100 ms per request, ${k} host pool(s) of 6 on 127.0.0.1…${k}: ${secs(r)}; ${cpuText(r.cpu)}`,
      };
    }),
    fig('save-small-vs-awscli-100ms', slow[8], slowAws, 'files/s', 'aws s3 cp --recursive (+100 ms)', '>= 1.5',
      () => `ours over 8 host pools ${secs(slow[8])} (${cpuText(slow[8]?.cpu)}), aws cli ${secs(slowAws)} (10 parallel requests, one host; ${cpuText(slowAws?.cpu)})`),
    // The resource that runs out first: what the bare loop itself reaches over the same hosts.
    fig('save-small-hosts-8-vs-ceiling', slow[8], slowCeil, 'files/s', 'fetch→pipeTo loop over the same 8 hosts, 48 in flight (+100 ms)', 'reported',
      () => {
        const cli = slowAws ? rate(n, slowAws.ms) : undefined;
        const written = writeOnly ? rate(n, writeOnly.ms) : undefined;
        return `bare loop ${secs(slowCeil)} (${cpuText(slowCeil?.cpu)}); Chromium writing the same files from memory, no network: ${written?.toFixed(0) ?? '—'} files/s; 1.5 x the AWS CLI at +100 ms needs ${cli ? (1.5 * cli).toFixed(0) : '—'} files/s`;
      }),
  ];
}

/** Peak JS heap growth while our saver writes one 1 GB object into OPFS. */
export async function heapFigure(b: BenchBrowser, endpoint: string, bucket: string): Promise<Figure> {
  await b.collectGarbage();
  const before = await b.heapUsed();
  let peak = before;
  let done = false;
  // Never rejects: a failed sample is skipped, and the loop is always awaited below.
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, await b.heapUsed().catch(() => peak));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let r: SaveRun;
  try {
    r = await run(b, 'save', endpoint, bucket, 'huge', 1);
  } catch (e) {
    return notMeasured('save-1gb-heap-growth', 'MB', '< 50', String(e instanceof Error ? e.message : e));
  } finally {
    done = true;
    await sampler;
  }
  const after = await b.heapUsed();
  const growth = (peak - before) / 2 ** 20;
  return {
    name: 'save-1gb-heap-growth',
    value: round(growth, 1),
    unit: 'MB',
    target: '< 50',
    pass: growth < 50,
    note: `JSHeapUsedSize before ${(before / 2 ** 20).toFixed(1)} MB, peak ${(peak / 2 ** 20).toFixed(1)} MB, after ${(after / 2 ** 20).toFixed(1)} MB; ${(r.bytes / 2 ** 30).toFixed(2)} GiB in ${(r.ms / 1000).toFixed(1)} s`,
  };
}
