// Figures that need no saving: the initial bundle, participants.tsv at 10,000 rows, NIfTI header bytes
// (of the harness's 200 MiB .nii.gz, the one the header test reads).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { buildApp } from '#harness/app.ts';
import { median, notMeasured, round, type Figure } from './report.ts';

/** Builds the app into a temporary folder (the caller removes it). */
export async function buildAppForBench(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 's3bids-bench-app-'));
  await buildApp({ outDir, quiet: true });
  return outDir;
}

/** Gzips the JS the built index.html loads at once (scripts + modulepreloads). */
export async function bundleFigure(outDir: string): Promise<Figure> {
  const target = '<= 150';
  try {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const urls = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
    const files = [...new Set(urls)].filter((u) => u.endsWith('.js'));
    let raw = 0;
    let gz = 0;
    for (const u of files) {
      const buf = readFileSync(join(outDir, u.replace(/^\.?\//, '')));
      raw += buf.length;
      gz += gzipSync(buf, { level: 9 }).length;
    }
    const kb = gz / 1024;
    return {
      name: 'initial-js-gzip',
      value: round(kb, 1),
      unit: 'KB',
      target,
      pass: kb <= 150,
      note: `${files.length} JS file(s) loaded by index.html at once: ${(raw / 1024).toFixed(1)} KB raw, ${kb.toFixed(1)} KB gzip -9`,
    };
  } catch (e) {
    return notMeasured('initial-js-gzip', 'KB', target, `the built app could not be read: ${String(e).split('\n')[0]}`);
  }
}

/** A deterministic 10,000-row participants.tsv with numeric, categorical and missing values. */
export function participantsTsv(rows = 10_000): string {
  const lines = ['participant_id\tage\tsex\tsite\tscore\thandedness'];
  let x = 12345;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const sites = ['SI', 'RU', 'CBIC', 'CUNY'];
  for (let i = 0; i < rows; i++) {
    const age = (5 + rnd() * 17).toFixed(2);
    lines.push(
      [`sub-${String(i + 1).padStart(5, '0')}`, rnd() < 0.03 ? 'n/a' : age, rnd() < 0.5 ? 'F' : 'M', sites[i % 4], (rnd() * 100).toFixed(1), rnd() < 0.1 ? 'L' : 'R'].join('\t'),
    );
  }
  return lines.join('\n') + '\n';
}

export async function participantsFigures(): Promise<Figure[]> {
  let tsv: typeof import('../../src/lib/tsv/index.ts');
  try {
    tsv = await import('../../src/lib/tsv/index.ts');
  } catch (e) {
    const why = `src/lib/tsv did not load: ${String(e).split('\n')[0]}`;
    return ['10k-parse', '10k-filter', '100k-parse'].map((s) => notMeasured(`participants-${s}`, 'ms', 'reported', why));
  }
  const text = participantsTsv();
  const parse: number[] = [];
  const filter: number[] = [];
  let kept = 0;
  let table = tsv.parseParticipants(text);
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    table = tsv.parseParticipants(text);
    parse.push(performance.now() - t);
    t = performance.now();
    kept = tsv.applyFilters(table, [
      { column: 'age', kind: 'range', min: 8, max: 12 },
      { column: 'sex', kind: 'pick', values: ['F'] },
    ]).length;
    filter.push(performance.now() - t);
  }
  if (table.rows.length !== 10_000) throw new Error(`parsed ${table.rows.length} rows`);
  // 100,000 rows (a large consortium's table): one parse, as the bad-input test opens it.
  const big = participantsTsv(100_000);
  const parseBig: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const parsed = tsv.parseParticipants(big);
    parseBig.push(performance.now() - t);
    if (parsed.rows.length !== 100_000) throw new Error(`parsed ${parsed.rows.length} of 100,000 rows`);
  }
  return [
    { name: 'participants-100k-parse', value: round(median(parseBig), 1), unit: 'ms', target: '< 5000', pass: median(parseBig) < 5000, note: `Node, median of 3 (${parseBig.map((v) => v.toFixed(0)).join(', ')} ms), ${(big.length / 2 ** 20).toFixed(1)} MB TSV` },
    { name: 'participants-10k-parse', value: round(median(parse), 1), unit: 'ms', target: 'reported', note: `Node, median of 3 (${parse.map((v) => v.toFixed(1)).join(', ')} ms), ${(text.length / 1024).toFixed(0)} KB TSV` },
    { name: 'participants-10k-filter', value: round(median(filter), 2), unit: 'ms', target: 'reported', note: `age 8–12 and sex F: ${kept} rows kept; median of 3` },
  ];
}

export async function niftiFigure(client: S3Client, bucket: string, key: string, size: number, bytesOut: () => number): Promise<Figure> {
  let nifti: typeof import('../../src/lib/nifti/index.ts');
  try {
    nifti = await import('../../src/lib/nifti/index.ts');
  } catch (e) {
    return notMeasured('nifti-header-bytes', 'bytes', '<= 65536', `src/lib/nifti did not load: ${String(e).split('\n')[0]}`);
  }
  const before = bytesOut();
  const h = await nifti.readNiftiHeader(client, bucket, key);
  const bytes = bytesOut() - before;
  return {
    name: 'nifti-header-bytes',
    value: bytes,
    unit: 'bytes',
    target: 'reported',
    note: `body bytes through the proxy to read the header of a ${(size / 2 ** 20).toFixed(0)} MiB .nii.gz (dims ${JSON.stringify((h as { dims?: unknown }).dims ?? '?')})`,
  };
}
