// Failures a researcher meets, shown in place with the next step: a missing bucket, a bucket that does not
// allow browser access (no CORS rule), a private bucket (credentials), and text that is not a location.
import { mkdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startMoto, type Moto } from '../support/moto.ts';
import { serveDist } from '../support/build-app.ts';
import { launchChromium, type Chromium } from '../support/chromium.ts';
import { bidsStudy, BIDS_SUBJECTS, seedFiles } from '../support/fixtures/index.ts';

const ARTIFACTS = 'test-artifacts';
let moto: Moto;
let app: Awaited<ReturnType<typeof serveDist>>;
let browser: Chromium;
let noCors: { endpoint: string; server: Server };
let s3like: { endpoint: string; server: Server };

/**
 * Loopback proxies in front of moto that make it answer CORS as real S3 does where moto differs:
 * - 'strip': a bucket without a CORS rule (moto answers every origin: flask-cors), so every
 *   Access-Control-* response header is dropped;
 * - 'preflight': S3 answers a preflight from the bucket's CORS rule without credentials (moto refuses
 *   preflights for private objects), so OPTIONS is answered here, allowing the signed request's headers.
 */
function startCorsProxy(target: string, mode: 'strip' | 'preflight'): Promise<{ endpoint: string; server: Server }> {
  const t = new URL(target);
  const server = createServer((req, res) => {
    if (mode === 'preflight' && req.method === 'OPTIONS') {
      res.writeHead(200, {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        'access-control-expose-headers': 'ETag, Content-Length, Content-Range',
      });
      return res.end();
    }
    const up = request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: { ...req.headers, host: t.host } }, (r) => {
      const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => mode !== 'strip' || !k.toLowerCase().startsWith('access-control-')));
      res.writeHead(r.statusCode ?? 502, headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ endpoint: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, server });
    }),
  );
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [moto, app] = await Promise.all([startMoto(), serveDist()]);
  const files = await bidsStudy();
  await moto.createBucket('e2e-nocors', { cors: false });
  await seedFiles(moto, 'e2e-nocors', 'study', files);
  await moto.createBucket('e2e-private', { public: false });
  await seedFiles(moto, 'e2e-private', 'study', files, { public: false });

  noCors = await startCorsProxy(moto.endpoint, 'strip');
  s3like = await startCorsProxy(moto.endpoint, 'preflight');
  browser = await launchChromium();
});
afterAll(async () => {
  noCors?.server.close();
  s3like?.server.close();
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
    await expect.poll(() => alert.count(), { timeout: 30_000 }).toBe(1);
    expect(await alert.textContent()).toContain('"no-such-bucket-e2e" does not exist');
    await page.screenshot({ path: `${ARTIFACTS}/10-missing-bucket.png` });
  });

  it('says a bucket without CORS does not allow browser access, and offers the script export', async () => {
    const page = browser.page;
    await open(page, `${noCors.endpoint}/e2e-nocors/study`);
    const alert = alertWith(page, 'Network').first();
    await expect.poll(() => alert.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await alert.textContent()).toContain('does not allow browser access');
    await page.screenshot({ path: `${ARTIFACTS}/11-cors-blocked.png` });
    await alert.getByRole('button', { name: 'Use the script export' }).click();
    const text = page.getByTestId('export-text');
    await expect.poll(() => text.inputValue(), { timeout: 20_000 }).toContain('--no-sign-request');
    expect(await text.inputValue()).toContain(`--endpoint-url '${noCors.endpoint}'`);
    expect(await text.inputValue()).toContain(`'s3://e2e-nocors/study/'`);
    await page.screenshot({ path: `${ARTIFACTS}/12-export.png` });
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('offers credentials for a private bucket, and opens it with them', async () => {
    const page = browser.page;
    await open(page, `${s3like.endpoint}/e2e-private/study`);
    const alert = alertWith(page, 'AccessDenied').first();
    await expect.poll(() => alert.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/13-access-denied.png` });
    await alert.getByRole('button', { name: 'Add credentials' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('accessKeyId');
    await page.locator('input[name="accessKeyId"]').fill('testing');
    await page.locator('input[name="secretAccessKey"]').fill('testing');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 30_000 }).toBe(String(BIDS_SUBJECTS.length));
    // participants.tsv read with the credentials: its columns (age…) appear, and no refusal remains.
    await expect.poll(() => page.locator('.card[data-column="age"]').count(), { timeout: 30_000 }).toBe(1);
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
