// Choosing what to save (README.md, "Using the app"): one selection model whose table ticks are the chosen
// set, a random draw from the filtered candidates or exactly as pyAFQ draws, and exports that always describe
// the study on screen — in headless Chromium against the built app and moto.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { openStudy, startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { DEMO_PARTICIPANTS, DEMO_SUBJECTS, bidsStudy, seedFiles } from '#harness/fixtures/index.ts';
import { selectSubjects } from '../../src/lib/select/index.ts';
import { S3BIDSStudy } from '../../src/lib/bids/index.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';

const BUCKET = 'e2e-choice';
const PREFIX = 'studies/demo';
const ARTIFACTS = 'test-artifacts';

let demo: DemoApp;
let noCors: Proxy;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await startDemoApp({ bucket: BUCKET, prefix: PREFIX });
  await demo.moto.createBucket('e2e-choice-nocors', { cors: false });
  await seedFiles(demo.moto, 'e2e-choice-nocors', 'other', await bidsStudy());
  noCors = await startProxy({ target: demo.moto.endpoint, stripCors: true });
});
afterAll(async () => {
  await noCors?.stop();
  await demo?.stop();
});

const chosen = async (page: Page) => ((await page.getByTestId('selected-ids').textContent()) ?? '').split(', ').filter((s) => s.startsWith('sub-'));
const ticked = (page: Page) =>
  page.locator('[role=row][data-id]').evaluateAll((rows) =>
    rows.filter((r) => (r.querySelector('input[type=checkbox]') as HTMLInputElement | null)?.checked).map((r) => r.getAttribute('data-id')!).sort(),
  );

describe('choosing subjects and exporting the choice', () => {
  it('ticks show the chosen set in every mode; a tick outside "by hand" keeps the choice and changes one subject', async () => {
    const page = demo.browser.page;
    await demo.openDemo(page);
    await page.getByLabel('Random subset').check();
    await page.getByLabel('How many').fill('3');
    await page.getByLabel('Seed').fill('42');
    const draw = selectSubjects(DEMO_SUBJECTS, 3, 42).subjects;
    // Applied as typed: no Enter, no Tab.
    await expect.poll(() => chosen(page)).toEqual(draw);
    await expect.poll(() => ticked(page)).toEqual(draw.filter((id) => DEMO_PARTICIPANTS.some((r) => r.participant_id === id)).sort());

    // Ticking one more row while the random draw is chosen: the draw stays, plus that subject, now "by hand".
    const extra = DEMO_SUBJECTS.find((id) => !draw.includes(id))!;
    await page.getByLabel(`Pick ${extra}`, { exact: true }).check();
    await expect.poll(() => chosen(page)).toEqual([...draw, extra].sort());
    expect(await page.getByLabel('By hand').isChecked()).toBe(true);

    // "All candidates" ticks every row with data; the hand picks are kept for later, and said so.
    await page.getByLabel('All candidates').check();
    await expect.poll(() => chosen(page)).toEqual([...DEMO_SUBJECTS].sort());
    expect(await page.getByText('Your 4 hand picks are kept').count()).toBe(1);
    await page.getByLabel('By hand').check();
    await expect.poll(() => chosen(page)).toEqual([...draw, extra].sort());
    await page.screenshot({ path: `${ARTIFACTS}/choice-01-hand.png`, fullPage: true });
  });

  it('draws among the filtered candidates, or exactly as pyAFQ from all subjects, and says when the count is larger than the pool', async () => {
    const page = demo.browser.page;
    await demo.openDemo(page);
    await page.locator('.card[data-column="sex"] input[value="F"]').check();
    const females = DEMO_PARTICIPANTS.filter((r) => r.sex === 'F').map((r) => r.participant_id!).filter((id) => DEMO_SUBJECTS.includes(id));
    await expect.poll(() => page.getByTestId('candidates').textContent()).toContain(`${females.length} candidates`);
    await page.getByLabel('Random subset').check();
    await page.getByLabel('How many').fill('2');
    await page.getByLabel('Seed').fill('7');
    await page.getByLabel('only among filtered participants').check();
    await expect.poll(() => chosen(page)).toEqual(selectSubjects(females, 2, 7).subjects);
    for (const id of await chosen(page)) expect(females).toContain(id);

    await page.getByLabel('all subjects, exactly as pyAFQ draws').check();
    await expect.poll(() => chosen(page)).toEqual(selectSubjects(DEMO_SUBJECTS, 2, 7).subjects);
    expect(await page.getByTestId('pyafq-draw').textContent()).toContain('subjects=2, random_seed=7');

    // More than there are: all are chosen, and the page says so.
    await page.getByLabel('only among filtered participants').check();
    await page.getByLabel('How many').fill('50');
    await expect.poll(() => page.getByTestId('count-notice').textContent()).toBe(`Only ${females.length} candidates to draw from: all ${females.length} are chosen, not 50.`);
    await expect.poll(() => chosen(page)).toEqual([...females].sort());
    await page.screenshot({ path: `${ARTIFACTS}/choice-02-draw.png`, fullPage: true });
  });

  it('a ticked pipeline is exactly the pipeline saved: ticking afq leaves afq-extra out, and says pyAFQ would take it', async () => {
    const page = demo.browser.page;
    await demo.openDemo(page);
    await page.getByLabel('All candidates').check();
    await page.locator('input[name="derivs"][value="some"]').check();
    await page.locator('input[name="pipeline"][value="afq"]').check();
    expect(await page.locator('input[name="pipeline"][value="afq-extra"]').isChecked()).toBe(false);
    await expect.poll(() => page.getByTestId('pipelines-included').textContent()).toContain('would also take afq-extra');
    const client = createS3Client({ endpoint: demo.moto.endpoint });
    const study = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: PREFIX, subjects: 'all', client });
    const plan = await study.plan({ includeDerivs: ['afq'], includeDerivsExact: true, overwrite: false, verify: false });
    const planned = plan.entries.filter((e) => !e.refused);
    expect(planned.some((e) => e.localPath.startsWith('derivatives/afq/'))).toBe(true);
    expect(planned.some((e) => e.localPath.startsWith('derivatives/afq-extra/'))).toBe(false);
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${planned.length} files`);
  });

  it('after a study fails to open, the export describes that study, never the previous one', async () => {
    const page = demo.browser.page;
    await demo.openDemo(page);
    await page.getByLabel('All candidates').check();
    await expect.poll(async () => (await chosen(page)).length).toBe(DEMO_SUBJECTS.length);

    await openStudy(page, `${noCors.endpoint}/e2e-choice-nocors/other`);
    const alert = page.locator('[role="alert"][data-code="NoBrowserAccess"]').first();
    await expect.poll(() => alert.count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await alert.getByRole('button', { name: 'Use the script export' }).click();
    const text = page.getByTestId('export-text');
    await expect.poll(() => text.inputValue(), { timeout: 120_000 }).toContain(`'s3://e2e-choice-nocors/other/'`);
    expect(await text.inputValue()).not.toContain(`s3://${BUCKET}/`);
    expect(await text.inputValue()).not.toContain(PREFIX);
    expect(await text.inputValue()).not.toContain('sub-');

    await page.getByLabel('Format').selectOption('pyafq');
    await expect.poll(() => text.inputValue()).toContain('"e2e-choice-nocors"');
    expect(await text.inputValue()).not.toContain('subjects=[]');
    expect(await text.inputValue()).toContain('subjects="all"');
    await page.screenshot({ path: `${ARTIFACTS}/choice-03-export-after-failure.png`, fullPage: true });
    await page.getByRole('button', { name: 'Close', exact: true }).click();
  });
});
