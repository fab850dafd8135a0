// The view follows the browser's history (README.md, "Using the app"): opening another study adds an
// entry, so Back returns to the previous study; and a participants filter applies as it is typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openStudy, startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { DEMO_PARTICIPANTS, DEMO_SUBJECTS, seedFiles } from '#harness/fixtures/index.ts';

const BUCKET = 'e2e-history';
let demo: DemoApp;

beforeAll(async () => {
  demo = await startDemoApp({ bucket: BUCKET, prefix: 'demo' });
  // A second study: the demo with two subjects only.
  await seedFiles(demo.moto, BUCKET, 'two', demo.files.filter((f) => !/(^|\/)sub-/.test(f.key) || /(^|\/)sub-0[12]\//.test(f.key)));
});
afterAll(() => demo?.stop());

const subjects = (page: Page) => page.getByTestId('count-subjects').textContent();

describe('history and typing', () => {
  it('goes Back to the previous study, and Forward again', async () => {
    const page = demo.browser.page;
    await page.goto(demo.app.url);
    const full = demo.location;
    const two = `${demo.moto.endpoint}/${BUCKET}/two`;
    await openStudy(page, full);
    await expect.poll(() => subjects(page), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
    await openStudy(page, two);
    await expect.poll(() => subjects(page), { timeout: 120_000 }).toBe('2');
    expect(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('study')).toBe(two);

    await page.goBack();
    await expect.poll(() => subjects(page), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
    expect(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('study')).toBe(full);
    expect(await page.getByLabel('S3 location, URL or accession').inputValue()).toBe(full);

    await page.goForward();
    await expect.poll(() => subjects(page), { timeout: 120_000 }).toBe('2');
  });

  it('applies a number filter as it is typed, without Enter or leaving the box', async () => {
    const page = demo.browser.page;
    await page.goto(demo.studyUrl);
    await expect.poll(() => page.locator('[role=row][data-id]').count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await page.getByLabel('age minimum').pressSequentially('40');
    const expected = DEMO_PARTICIPANTS.filter((r) => r.age !== null && r.age !== undefined && Number(r.age) >= 40).map((r) => r.participant_id!);
    expect(expected.length).toBeLessThan(DEMO_PARTICIPANTS.length);
    await expect
      .poll(async () => (await page.locator('[role=row][data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).sort())
      .toEqual([...expected].sort());
    await expect.poll(() => page.getByLabel('age minimum').evaluate((i) => i === document.activeElement)).toBe(true);
  });
});
