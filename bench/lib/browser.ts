// Builds bench/page with Vite's build API and opens it in Chromium (served by the harness's static server).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { ROOT } from '#harness/app.ts';
import { launchChromium, type Chromium } from '#harness/chromium.ts';

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
