// Failures a researcher meets, shown in place with the next step: a missing bucket, a bucket that does not
// allow browser access (no CORS rule), a private bucket (credentials), and text that is not a location.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { serveDist } from '#harness/app.ts';
import { launchChromium, type Chromium } from '#harness/chromium.ts';
import { bidsStudy, BIDS_SUBJECTS, seedFiles } from '#harness/fixtures/index.ts';

const ARTIFACTS = 'test-artifacts';
let moto: Moto;
let app: Awaited<ReturnType<typeof serveDist>>;
let browser: Chromium;
let noCors: Proxy;
let s3like: Proxy;

// Where moto answers CORS differently from real S3, the shared proxy stands in front of it: `stripCors`
// is a bucket without a CORS rule (moto allows every origin), `answerPreflights` answers preflights from
// the bucket's rule as S3 does (moto refuses them for private objects).

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [moto, app] = await Promise.all([startMoto(), serveDist()]);
  const files = await bidsStudy();
  await moto.createBucket('e2e-nocors', { cors: false });
  await seedFiles(moto, 'e2e-nocors', 'study', files);
  await moto.createBucket('e2e-private', { public: false });
  await seedFiles(moto, 'e2e-private', 'study', files, { public: false });

  noCors = await startProxy({ target: moto.endpoint, stripCors: true });
  s3like = await startProxy({ target: moto.endpoint, answerPreflights: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await noCors?.stop();
  await s3like?.stop();
  await browser?.close();
  await app?.close();
  await moto?.stop();
});

async function open(page: Page, text: string) {
  await page.goto('about:blank');
  await page.goto(app.url);
  await page.getByLabel('S3 location, URL or accession').fill(text);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

const alertWith = (page: Page, code: string) => page.locator(`[role="alert"][data-code="${code}"]`);

describe('errors are shown in place, in words, with the next step', () => {
  it('names a missing bucket', async () => {
    const page = browser.page;
    await open(page, `${moto.endpoint}/no-such-bucket-e2e/study`);
    const alert = alertWith(page, 'NoSuchBucket');
    await expect.poll(() => alert.count(), { timeout: 120_000 }).toBe(1);
    expect(await alert.textContent()).toContain('"no-such-bucket-e2e" does not exist');
    await page.screenshot({ path: `${ARTIFACTS}/10-missing-bucket.png` });
  });

  it('says a bucket without CORS does not allow browser access, and offers the script export', async () => {
    const page = browser.page;
    await open(page, `${noCors.endpoint}/e2e-nocors/study`);
    const alert = alertWith(page, 'NoBrowserAccess').first();
    await expect.poll(() => alert.count(), { timeout: 120_000 }).toBeGreaterThan(0);
    expect(await alert.textContent()).toContain('does not allow browser access');
    await page.screenshot({ path: `${ARTIFACTS}/11-cors-blocked.png` });
    await alert.getByRole('button', { name: 'Use the script export' }).click();
    const text = page.getByTestId('export-text');
    await expect.poll(() => text.inputValue(), { timeout: 120_000 }).toContain('--no-sign-request');
    expect(await text.inputValue()).toContain(`--endpoint-url '${noCors.endpoint}'`);
    expect(await text.inputValue()).toContain(`'s3://e2e-nocors/study/'`);
    await page.screenshot({ path: `${ARTIFACTS}/12-export.png` });
    await page.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('offers credentials for a private bucket, and opens it with them', async () => {
    const page = browser.page;
    await open(page, `${s3like.endpoint}/e2e-private/study`);
    const alert = alertWith(page, 'AccessDenied').first();
    await expect.poll(() => alert.count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/13-access-denied.png` });
    await alert.getByRole('button', { name: 'Add credentials' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('accessKeyId');
    await page.locator('input[name="accessKeyId"]').fill('testing');
    await page.locator('input[name="secretAccessKey"]').fill('testing');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(BIDS_SUBJECTS.length));
    // participants.tsv read with the credentials: its columns (age…) appear, and no refusal remains.
    await expect.poll(() => page.locator('.card[data-column="age"]').count(), { timeout: 120_000 }).toBe(1);
    expect(await alertWith(page, 'AccessDenied').count()).toBe(0);
    // Credentials stay in memory: not in the URL, nor in the page's storage.
    expect(page.url()).not.toContain('testing');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain('testing');
  });

  it('explains text that is not a location', async () => {
    const page = browser.page;
    await open(page, 'hello world');
    const alert = alertWith(page, 'InvalidOption');
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.textContent()).toMatch(/Paste s3:\/\/bucket\/prefix/);
    expect(browser.pageErrors).toEqual([]);
  });
});
