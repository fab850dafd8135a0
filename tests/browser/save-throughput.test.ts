// Saving throughput in Chromium into OPFS through a proxy adding 30 ms per request (real S3 is 20–100 ms
// away): one file at a time vs the default pool, and the browser's own ceiling (a bare fetch → pipeTo loop).
import { beforeAll, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import type { DownloadPlan } from '../../src/lib/bids/types.ts';
import { createS3Client, listAll, objectUrl } from '../../src/lib/s3/index.ts';
import { DEFAULT_CONCURRENCY, executePlan, toSaveTarget } from '../../src/lib/save/index.ts';

const BUCKET = 'browser-throughput';
const SMALL = { n: 240, size: 10_000 };
const BIG = { n: 12, size: 10_000_000 };
let proxy: string;
const plans: Record<'small' | 'big', DownloadPlan> = {} as never;

beforeAll(async () => {
  await commands.s3Seed(BUCKET, 'small/', Array.from({ length: SMALL.n }, (_, i) => ({ name: `sub-${String(i).padStart(4, '0')}/f.tsv`, size: SMALL.size })));
  await commands.s3Seed(BUCKET, 'big/', Array.from({ length: BIG.n }, (_, i) => ({ name: `sub-${i}/dwi.nii.gz`, size: BIG.size })));
  proxy = await commands.proxyStart({ delayMs: 30 });
  for (const set of ['small', 'big'] as const) {
    const objects = await listAll(createS3Client({ endpoint: proxy }), BUCKET, `${set}/`);
    plans[set] = { bucket: BUCKET, prefix: set, entries: objects.map((o) => ({ ...o, localPath: o.key.slice(set.length + 1), action: 'download' as const })) };
  }
});

async function folder(name: string) {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(name, { recursive: true }).catch(() => undefined);
  return root.getDirectoryHandle(name, { create: true });
}

async function ours(set: 'small' | 'big', concurrency: number, twoHosts = false) {
  const dir = await folder(`tp-${set}-${concurrency}`);
  // `localhost` and `127.0.0.1` are two hosts to the browser: six connections each.
  const mirrors = twoHosts ? [createS3Client({ endpoint: proxy.replace('127.0.0.1', 'localhost') })] : [];
  const t0 = performance.now();
  const r = await executePlan({ client: createS3Client({ endpoint: proxy }), mirrors, plan: plans[set], target: await toSaveTarget(dir), concurrency });
  const s = (performance.now() - t0) / 1000;
  expect(r.failed).toEqual([]);
  expect(r.downloaded).toBe(plans[set].entries.length);
  await (await navigator.storage.getDirectory()).removeEntry(`tp-${set}-${concurrency}`, { recursive: true });
  return s;
}

/** The browser's ceiling: fetch → pipeTo into OPFS, nothing else, at the same concurrency. */
async function ceiling(set: 'small' | 'big', concurrency: number) {
  const dir = await folder(`ceil-${set}`);
  const client = createS3Client({ endpoint: proxy });
  const entries = [...plans[set].entries];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let e = entries.shift(); e; e = entries.shift()) {
        const res = await fetch(objectUrl(client, BUCKET, e.key!), { cache: 'no-store' });
        const h = await dir.getFileHandle(e.localPath.replace(/\//g, '_'), { create: true });
        await res.body!.pipeTo(await h.createWritable());
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  await (await navigator.storage.getDirectory()).removeEntry(`ceil-${set}`, { recursive: true });
  return s;
}

/** Best of `rounds`, alternating the contenders so a load spike on the shared machine hits both alike. */
async function best(rounds: number, runs: Record<string, () => Promise<number>>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) for (const [name, run] of Object.entries(runs)) out[name] = Math.min(out[name] ?? Infinity, await run());
  return out;
}

it('with 30 ms per request, the pool beats one-at-a-time on small files and keeps up with the ceiling', async () => {
  const c = DEFAULT_CONCURRENCY;
  const small1 = await ours('small', 1);
  const big1 = await ours('big', 1);
  const t = await best(3, {
    smallN: () => ours('small', c),
    smallCeil: () => ceiling('small', c),
    bigN: () => ours('big', c),
    bigCeil: () => ceiling('big', c),
  });
  const small2 = await ours('small', 2 * c, true);
  const big2 = await ours('big', 2 * c, true);
  const { smallN, smallCeil, bigN, bigCeil } = t as Record<'smallN' | 'smallCeil' | 'bigN' | 'bigCeil', number>;
  const fps = (s: number) => (SMALL.n / s).toFixed(0);
  const mbps = (s: number) => ((BIG.n * BIG.size) / 1e6 / s).toFixed(0);
  console.log(
    [
      `small ${SMALL.n}×${SMALL.size / 1000} KB: concurrency 1 ${fps(small1)} files/s, concurrency ${c} ${fps(smallN)} files/s, ceiling ${fps(smallCeil)} files/s`,
      `big ${BIG.n}×${BIG.size / 1e6} MB: concurrency 1 ${mbps(big1)} MB/s, concurrency ${c} ${mbps(bigN)} MB/s, ceiling ${mbps(bigCeil)} MB/s`,
      `two hostnames, concurrency ${2 * c}: small ${fps(small2)} files/s, big ${mbps(big2)} MB/s`,
      `ratios: small pool/sequential ${(small1 / smallN).toFixed(2)}, small pool/ceiling ${(smallCeil / smallN).toFixed(2)}, big pool/ceiling ${(bigCeil / bigN).toFixed(2)}`,
    ].join('\n'),
  );
  // Loose bounds for a shared 2-core machine; `npm run bench` holds the real targets (4× and 0.9×).
  // On small files the flat ceiling skips what the spec requires of us (nested folders, a partial file
  // moved into place): a bare loop doing those too measured 88 files/s against this ceiling's 109.
  expect(small1 / smallN).toBeGreaterThan(2.5);
  expect(smallCeil / smallN).toBeGreaterThan(0.6);
  expect(bigCeil / bigN).toBeGreaterThan(0.7);
});
