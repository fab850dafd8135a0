// Cancel mid-save and resume, through a proxy that adds latency like a real network round trip.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { readOpfsTree } from '#harness/chromium.ts';
import { startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { bodyBytes } from '#harness/fixtures/types.ts';

let demo: DemoApp;
let proxy: Proxy;

beforeAll(async () => {
  demo = await startDemoApp({ bucket: 'e2e-cancel', prefix: 'demo', browser: { pickedFolder: 'cancel' } });
  proxy = await startProxy({ target: demo.moto.endpoint, delayMs: 150 });
});
afterAll(async () => {
  await proxy?.stop();
  await demo?.stop();
});

const filesDone = (text: string | null) => Number(/(\d+) of \d+ files/.exec(text ?? '')?.[1] ?? 0);

it('cancels a running save without waiting for bodies in flight, keeps what is finished, and resumes to a complete folder', async () => {
  const page = demo.browser.page;
  await page.goto(`${demo.app.url}#study=${encodeURIComponent(`${proxy.endpoint}/e2e-cancel/demo`)}&mode=all&derivs=all&top=all`);
  await expect.poll(() => page.getByTestId('plan-summary').textContent(), { timeout: 120_000 }).toMatch(/\d+ files/);
  const total = Number(/([\d,]+) files/.exec((await page.getByTestId('plan-summary').textContent())!)![1]!.replace(/,/g, ''));

  // Twelve subject files arrive; the rest wait at the proxy, so the save is still running when Cancel is
  // pressed, however fast or slow this machine is.
  proxy.hold({ after: 12, keyPart: 'sub-' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(async () => filesDone(await page.getByTestId('progress').textContent()), { timeout: 120_000 }).toBeGreaterThanOrEqual(10);
  await proxy.whenHeld(1);
  await page.screenshot({ path: 'test-artifacts/08-saving.png' });
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  // The held requests are never answered before this point: the run can only end because Cancel stopped
  // waiting for what was in flight (were it waiting, it would wait for ever).
  await expect.poll(() => page.getByTestId('report').textContent(), { timeout: 120_000 }).toContain('Cancelled.');
  proxy.release();

  // What finished is kept and recognised; the rest is still to fetch.
  const onDisk = async () => Number(/([\d,]+) already in the folder/.exec((await page.getByTestId('plan-summary').textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
  await expect.poll(onDisk).toBeGreaterThanOrEqual(10);
  expect(await onDisk()).toBeLessThan(total);

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect.poll(() => page.getByTestId('report').textContent(), { timeout: 120_000 }).toContain('Done.');
  const tree = await readOpfsTree(page, 'cancel');
  const saved = Object.keys(tree).filter((p) => !p.startsWith('.s3bids/'));
  expect(saved).toHaveLength(total);
  const byKey = new Map(demo.files.map((f) => [f.key, bodyBytes(f.body)]));
  for (const p of saved) {
    const src = byKey.get(p);
    expect(src, p).toBeDefined();
    expect(tree[p]!.sha256, p).toBe(createHash('sha256').update(src!).digest('hex'));
  }
  expect(Object.keys(tree).some((p) => p.startsWith('.s3bids/partial/') && tree[p]!.size > 0)).toBe(false);
  expect(demo.browser.pageErrors).toEqual([]);
});
