// The setup most e2e tests share: moto holding the demo study, the built app served beside it, and
// (unless asked not to) one Chromium. Tests keep their own extra buckets and proxies.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { startMoto, type Moto } from './moto.ts';
import { serveDist } from './app.ts';
import { launchChromium, type Chromium } from './chromium.ts';
import { DEMO_SUBJECTS, demoStudy, seedFiles, type FixtureFile } from './fixtures/index.ts';

export interface DemoApp {
  moto: Moto;
  app: Awaited<ReturnType<typeof serveDist>>;
  /** The shared Chromium; reading it throws when started with `browser: false`. */
  readonly browser: Chromium;
  /** The demo study's files, as seeded. */
  files: FixtureFile[];
  /** The study as typed into the picker: `<moto>/<bucket>/<prefix>`. */
  location: string;
  /** The app opened on the study by its URL; callers append further `&key=value` settings. */
  studyUrl: string;
  /** A fresh load of the app, the study typed into the picker and opened, then `waitForDemo`. */
  openDemo(page: Page): Promise<void>;
  stop(): Promise<void>;
}

/** Types `text` into the study picker and presses Open. */
export async function openStudy(page: Page, text: string): Promise<void> {
  await page.getByLabel('S3 location, URL or accession').fill(text);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

/** Waits until the page shows every demo subject and the participants table has rows. */
export async function waitForDemo(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
  await expect.poll(() => page.locator('[role=row][data-id]').count()).toBeGreaterThan(0);
}

export async function startDemoApp(opts: {
  bucket: string;
  prefix: string;
  /** Options for the shared Chromium, or false for tests that launch their own per screen size. */
  browser?: Parameters<typeof launchChromium>[0] | false;
}): Promise<DemoApp> {
  let moto: Moto | undefined;
  let app: DemoApp['app'] | undefined;
  let browser: Chromium | undefined;
  const stop = async () => {
    // Each part stopped even when an earlier one fails: a leaked moto outlives the test run.
    try {
      await browser?.close();
    } finally {
      try {
        await app?.close();
      } finally {
        await moto?.stop();
      }
    }
  };
  try {
    [moto, app] = await Promise.all([startMoto(), serveDist()]);
    await moto.createBucket(opts.bucket);
    const files = await demoStudy();
    await seedFiles(moto, opts.bucket, opts.prefix, files);
    if (opts.browser !== false) browser = await launchChromium(opts.browser ?? {});
    const location = `${moto.endpoint}/${opts.bucket}/${opts.prefix}`;
    const served = app;
    return {
      moto,
      app,
      get browser() {
        if (!browser) throw new Error('startDemoApp was called with browser: false');
        return browser;
      },
      files,
      location,
      studyUrl: `${app.url}#study=${encodeURIComponent(location)}`,
      async openDemo(page) {
        await page.goto('about:blank');
        await page.goto(served.url);
        await openStudy(page, location);
        await waitForDemo(page);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
