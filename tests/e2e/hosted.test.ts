// The hosted build (README.md, "Two commands"): dist/ copied to any sub-path of a static host, with no
// demo, opens without a single failed request or console error; it never asks for the demo's file.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, serveDir } from '#harness/app.ts';
import { launchChromium, type Chromium } from '#harness/chromium.ts';

let root: string;
let host: Awaited<ReturnType<typeof serveDir>>;
let browser: Chromium;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 's3bids-hosted-'));
  // As a host serves it: the build only, without what npm start adds.
  cpSync(DIST, join(root, 'tools', 's3bids'), { recursive: true, filter: (src) => !src.endsWith('demo.json') });
  host = await serveDir(root);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the hosted build', () => {
  it('opens at a sub-path with no request for the demo, no failed request and no console error', async () => {
    expect(readFileSync(join(root, 'tools', 's3bids', 'index.html'), 'utf8')).not.toContain('s3bids-demo');
    const page = browser.page;
    const requested: string[] = [];
    const failed: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
    page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(`${host.url}tools/s3bids/`);
    await expect.poll(() => page.getByRole('button', { name: 'HBN Site-SI' }).count()).toBe(1);
    // The page has settled: every preset is drawn and nothing is listing.
    await expect.poll(() => page.evaluate(() => document.readyState)).toBe('complete');
    expect(requested.some((u) => u.startsWith(`${host.url}tools/s3bids/assets/`))).toBe(true);
    expect(requested.filter((u) => u.includes('demo'))).toEqual([]);
    expect(await page.getByRole('button', { name: /demo/i }).count()).toBe(0);
    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
