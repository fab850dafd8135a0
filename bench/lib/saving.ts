// Saving in Chromium into OPFS through the delay proxy: ours vs one-at-a-time, vs a minimal
// fetch → pipeTo loop at the same concurrency, vs `aws s3 cp --recursive`; and the JS heap on 1 GB.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchBrowser } from './browser.ts';
import { round, type Figure } from './report.ts';

export interface SaveRun {
  ms: number;
  files: number;
  failed: number;
  bytes: number;
}

const CONCURRENCY = 6;

async function run(b: BenchBrowser, fn: 'save' | 'ceiling', endpoint: string, bucket: string, prefix: string, concurrency: number) {
  const r = await b.call<SaveRun>(fn, { endpoint, bucket, prefix, dir: `bench-${fn}`, concurrency });
  await b.call('clearOpfs');
  if (r.failed) throw new Error(`${fn} of ${prefix}: ${r.failed} files failed`);
  return r;
}

function awsCli(endpoint: string, bucket: string, prefix: string): { ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 's3bids-awscli-'));
  const t = performance.now();
  execFileSync(
    'aws',
    ['s3', 'cp', '--recursive', '--no-sign-request', '--only-show-errors', '--endpoint-url', endpoint, `s3://${bucket}/${prefix}/`, dir],
    { stdio: 'inherit', env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' } },
  );
  const ms = performance.now() - t;
  rmSync(dir, { recursive: true, force: true });
  return { ms };
}

const rate = (files: number, ms: number) => files / (ms / 1000);
const mbps = (bytes: number, ms: number) => bytes / 2 ** 20 / (ms / 1000);

export async function savingFigures(b: BenchBrowser, endpoint: string, bucket: string): Promise<Figure[]> {
  const smallOurs = await run(b, 'save', endpoint, bucket, 'small', CONCURRENCY);
  const smallSeq = await run(b, 'save', endpoint, bucket, 'small', 1);
  const smallCeil = await run(b, 'ceiling', endpoint, bucket, 'small', CONCURRENCY);
  const bigOurs = await run(b, 'save', endpoint, bucket, 'big', CONCURRENCY);
  const bigCeil = await run(b, 'ceiling', endpoint, bucket, 'big', CONCURRENCY);
  const smallAws = awsCli(endpoint, bucket, 'small');
  const bigAws = awsCli(endpoint, bucket, 'big');
  const n = smallOurs.files;
  const bytes = bigOurs.bytes;
  const sOurs = rate(n, smallOurs.ms);
  const bOurs = mbps(bytes, bigOurs.ms);
  const fig = (name: string, ours: number, unit: string, ref: string, refValue: number, target: string, note: string): Figure => {
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
      note,
    };
  };
  const secs = (r: { ms: number }) => `${(r.ms / 1000).toFixed(2)} s`;
  return [
    fig('save-small-vs-sequential', sOurs, 'files/s', 'one-at-a-time (our saver, concurrency 1)', rate(n, smallSeq.ms), '>= 4',
      `${n} x 10 KB: ours ${secs(smallOurs)} at concurrency ${CONCURRENCY}, one at a time ${secs(smallSeq)}`),
    fig('save-small-vs-ceiling', sOurs, 'files/s', `fetch→pipeTo loop, ${CONCURRENCY} parallel`, rate(n, smallCeil.ms), '>= 0.9',
      `ceiling ${secs(smallCeil)}`),
    fig('save-big-vs-ceiling', bOurs, 'MB/s', `fetch→pipeTo loop, ${CONCURRENCY} parallel`, mbps(bytes, bigCeil.ms), '>= 0.9',
      `${bigOurs.files} x 10 MB: ours ${secs(bigOurs)}, ceiling ${secs(bigCeil)}`),
    fig('save-small-vs-awscli', sOurs, 'files/s', 'aws s3 cp --recursive', rate(n, smallAws.ms), 'reported',
      `aws cli ${secs(smallAws)} (its own 10 parallel requests; process start included)`),
    fig('save-big-vs-awscli', bOurs, 'MB/s', 'aws s3 cp --recursive', mbps(bytes, bigAws.ms), 'reported', `aws cli ${secs(bigAws)}`),
  ];
}

/** Peak JS heap growth while our saver writes one 1 GB object into OPFS. */
export async function heapFigure(b: BenchBrowser, endpoint: string, bucket: string): Promise<Figure> {
  await b.collectGarbage();
  const before = await b.heapUsed();
  let peak = before;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, await b.heapUsed());
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const r = await run(b, 'save', endpoint, bucket, 'huge', 1).finally(() => (done = true));
  await sampler;
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
