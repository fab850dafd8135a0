// Builds bench/page with Vite's build API, serves it on loopback, and opens it in Chromium.
import { createReadStream, existsSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium, type Chromium } from '../../tests/support/chromium.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export async function buildBenchPage(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 's3bids-bench-page-'));
  await build({
    root: join(ROOT, 'bench/page'),
    configFile: false,
    base: './',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false },
  });
  return outDir;
}

/** A tiny static server (the page only needs GETs of built files). */
export async function serveDir(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

export interface BenchBrowser {
  chromium: Chromium;
  page: Page;
  version: string;
  /** Calls `window.bench[name](arg)` in the page. */
  call<T>(name: string, arg?: unknown): Promise<T>;
  reload(): Promise<void>;
  /** JSHeapUsedSize from CDP Performance.getMetrics, in bytes. */
  heapUsed(): Promise<number>;
  collectGarbage(): Promise<void>;
  close(): Promise<void>;
}

export async function openBench(url: string): Promise<BenchBrowser> {
  const chromium = await launchChromium();
  const page = chromium.page;
  const ready = async () => {
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'bench ready');
  };
  await ready();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const version = chromium.context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  return {
    chromium,
    page,
    version: `Chromium ${version}`,
    call: <T>(name: string, arg?: unknown) =>
      page.evaluate(
        ([n, a]) => (window as unknown as { bench: Record<string, (x: unknown) => Promise<unknown>> }).bench[n as string]!(a),
        [name, arg] as const,
      ) as Promise<T>,
    reload: ready,
    async heapUsed() {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
    },
    async collectGarbage() {
      await cdp.send('HeapProfiler.collectGarbage');
    },
    close: () => chromium.close(),
  };
}
