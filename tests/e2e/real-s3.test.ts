// What a researcher sees from real S3 answers moto does not give, in Chromium through the realistic-S3 layer
// (harness/real-s3.ts, docs/real-s3.md): a bucket in another region opens and the overview names the region;
// nothing answering says "cannot reach S3" and Try again works once S3 is back; a requester-pays bucket opens
// with credentials and "Requester pays" ticked, and the exports say so.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startRealS3, type RealS3 } from '#harness/real-s3.ts';
import { serveDist } from '#harness/app.ts';
import { launchChromium, type Chromium } from '#harness/chromium.ts';
import { bidsStudy, BIDS_SUBJECTS, seedFiles } from '#harness/fixtures/index.ts';

const ARTIFACTS = 'test-artifacts';
let moto: Moto;
let s3: RealS3;
let app: Awaited<ReturnType<typeof serveDist>>;
let browser: Chromium;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [moto, app] = await Promise.all([startMoto(), serveDist()]);
  const files = await bidsStudy();
  for (const b of ['e2e-far', 'e2e-offline', 'e2e-payer']) {
    await moto.createBucket(b);
    await seedFiles(moto, b, 'study', files);
  }
  s3 = await startRealS3({ target: moto.endpoint, buckets: { 'e2e-far': { region: 'eu-west-2' }, 'e2e-payer': { requesterPays: true } } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s3?.stop();
  await app?.close();
  await moto?.stop();
});

async function open(page: Page, text: string, credentials = false, requesterPays = false) {
  await page.goto('about:blank');
  await page.goto(app.url);
  await page.getByLabel('S3 location, URL or accession').fill(text);
  if (credentials || requesterPays) {
    // A new endpoint reloads the page once (it connects only to endpoints it was opened with), and
    // credentials are entered after that: open anonymously first, as the picker's hint says.
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.locator('[role="alert"]').count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await page.locator('form details').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    if (credentials) {
      await page.locator('input[name="accessKeyId"]').fill('testing');
      await page.locator('input[name="secretAccessKey"]').fill('testing');
    }
    if (requesterPays) await page.getByRole('checkbox', { name: 'Requester pays' }).check();
  }
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

const subjects = (page: Page) => page.getByTestId('count-subjects');
const alertWith = (page: Page, code: string) => page.locator(`[role="alert"][data-code="${code}"]`);

describe('real S3 answers, as the page shows them', () => {
  it('opens a bucket in another region and names the region S3 gave', async () => {
    const page = browser.page;
    s3.resetStats();
    await open(page, `${s3.endpoint}/e2e-far/study`, true);
    await expect.poll(() => subjects(page).textContent(), { timeout: 120_000 }).toBe(String(BIDS_SUBJECTS.length));
    await expect.poll(() => page.getByTestId('region').textContent(), { timeout: 120_000 }).toMatch(/Region: eu-west-2 \(read from S3's answer\)/);
    expect(s3.stats.answered.PermanentRedirect).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/20-other-region.png` });
  });

  it('says "cannot reach S3" when nothing answers, and Try again opens the study once S3 is back', async () => {
    const page = browser.page;
    s3.goOffline();
    try {
      await open(page, `${s3.endpoint}/e2e-offline/study`);
      const alert = alertWith(page, 'Unreachable');
      await expect.poll(() => alert.count(), { timeout: 120_000 }).toBe(1);
      expect(await alert.textContent()).toContain('Cannot reach S3');
      await page.screenshot({ path: `${ARTIFACTS}/21-unreachable.png` });
    } finally {
      await s3.goOnline();
    }
    await alertWith(page, 'Unreachable').getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => subjects(page).textContent(), { timeout: 120_000 }).toBe(String(BIDS_SUBJECTS.length));
    expect(await alertWith(page, 'Unreachable').count()).toBe(0);
  });

  it('opens a requester-pays bucket with credentials and "Requester pays", and the exports carry it', async () => {
    const page = browser.page;
    s3.resetStats();
    await open(page, `${s3.endpoint}/e2e-payer/study`, true, true);
    await expect.poll(() => subjects(page).textContent(), { timeout: 120_000 }).toBe(String(BIDS_SUBJECTS.length));
    expect(s3.stats.requesterPayer).toBeGreaterThan(0);
    expect(page.url()).toContain('requesterPays=1');
    expect(page.url()).not.toContain('testing');
    await page.getByRole('button', { name: 'Export…', exact: true }).click();
    const text = page.getByTestId('export-text');
    await expect.poll(() => text.inputValue(), { timeout: 120_000 }).toContain('--request-payer requester');
    await page.screenshot({ path: `${ARTIFACTS}/22-requester-pays-export.png` });
    expect(browser.pageErrors).toEqual([]);
  });
});
