// The researcher's journey (README.md, "Using the app"), in headless Chromium against the built app and moto on another origin.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readOpfsTree } from '#harness/chromium.ts';
import { openStudy, startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { DEMO_PARTICIPANTS, DEMO_PLAN, DEMO_SUBJECTS } from '#harness/fixtures/index.ts';
import { bodyBytes } from '#harness/fixtures/types.ts';
import { selectSubjects } from '../../src/lib/select/index.ts';
import { S3BIDSStudy } from '../../src/lib/bids/index.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';

const BUCKET = 'e2e-journey';
const PREFIX = 'studies/demo';
const ARTIFACTS = 'test-artifacts';

let demo: DemoApp;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await startDemoApp({ bucket: BUCKET, prefix: PREFIX, browser: { pickedFolder: 'picked' } });
});
afterAll(() => demo?.stop());

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

describe('the app, as a researcher uses it', () => {
  it('opens a study, filters, draws 3 subjects with seed 42, saves a pipeline into a folder, and restores from the URL', async () => {
    const page = demo.browser.page;
    await page.goto(demo.app.url);
    await expect.poll(() => page.getByRole('button', { name: 'HBN Site-SI' }).count()).toBe(1);
    await shot(page, '01-picker');

    await openStudy(page, demo.location);
    await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
    expect(await page.getByTestId('count-files').textContent()).toBe(String(demo.files.length));
    await expect.poll(() => page.locator('[role=row][data-id]').count()).toBeGreaterThan(0);
    await shot(page, '02-overview');

    // Filter: females only. Expected rows come from the fixture's own participants table.
    await page.locator('.card[data-column="sex"] input[value="F"]').check();
    const females = DEMO_PARTICIPANTS.filter((r) => r.sex === 'F').map((r) => r.participant_id!);
    await expect.poll(async () => (await page.locator('[role=row][data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).sort()).toEqual([...females].sort());

    // Seeded random subset, as pyAFQ draws it: 3 of all subjects with data, seed 42.
    await page.getByLabel('Random subset').check();
    await page.getByLabel('How many').fill('3');
    const seed = page.getByLabel('Seed');
    await seed.fill('42');
    await seed.press('Tab');
    const expected = selectSubjects(DEMO_SUBJECTS, 3, 42).subjects;
    await expect.poll(() => page.getByTestId('selected-ids').textContent()).toBe(expected.join(', '));

    // Only among the filtered participants: the engine's draw over that pool.
    await page.getByLabel('only among filtered participants').check();
    const pool = females.filter((id) => DEMO_SUBJECTS.includes(id));
    const fromFiltered = selectSubjects(pool, 3, 42).subjects;
    await expect.poll(() => page.getByTestId('selected-ids').textContent()).toBe(fromFiltered.join(', '));
    await page.getByLabel('all subjects, exactly as pyAFQ draws').check();
    await expect.poll(() => page.getByTestId('selected-ids').textContent()).toBe(expected.join(', '));

    // One pipeline.
    await page.locator('input[name="derivs"][value="some"]').check();
    await page.locator('input[name="pipeline"][value="dmriprep"]').check();

    // The plan shown is the engine's plan for the same choice.
    const client = createS3Client({ endpoint: demo.moto.endpoint });
    const study = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: PREFIX, subjects: expected, client });
    const plan = await study.plan({ includeDerivs: ['dmriprep'], overwrite: false, verify: false });
    const planned = plan.entries.filter((e) => !e.refused);
    expect(planned.some((e) => e.localPath.startsWith('derivatives/dmriprep/'))).toBe(true);
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${planned.length} files`);
    await shot(page, '03-selection');

    // Save into the folder the (replaced) picker returns, then compare every file with its source.
    await page.getByRole('button', { name: 'Pick a folder…' }).click();
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain('0 already in the folder');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByTestId('report').textContent(), { timeout: 120_000 }).toMatch(/Done\.|failed/);
    const firstRun = (await page.getByTestId('report').textContent()) ?? '';
    if (!firstRun.includes('Done.')) {
      // Resume must finish what the first run could not; the first run's failures still fail the test below.
      await shot(page, '04-first-run-failures');
      await page.getByRole('button', { name: 'Resume', exact: true }).click();
      await expect.poll(() => page.getByTestId('report').textContent(), { timeout: 120_000 }).toContain('Done.');
    }
    await shot(page, '04-saved');
    const tree = await readOpfsTree(page, 'picked');
    const byKey = new Map(demo.files.map((f) => [f.key, bodyBytes(f.body)]));
    const saved = Object.keys(tree).filter((p) => !p.startsWith('.s3bids/'));
    expect(saved.sort()).toEqual(planned.map((e) => e.localPath).sort());
    for (const e of planned) {
      const source = byKey.get(e.localPath)!;
      expect(tree[e.localPath], e.localPath).toEqual({ size: source.length, sha256: sha256(source) });
    }
    // With the folder chosen, the plan now says everything is already there.
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${planned.length} already in the folder`);

    // Reload from the URL: the same study, filter, seed, selection and options.
    const url = page.url();
    expect(url).toContain('seed=42');
    expect(url).not.toMatch(/secret|accessKey/i);
    await page.goto('about:blank');
    await page.goto(url);
    await expect.poll(() => page.getByTestId('selected-ids').textContent(), { timeout: 120_000 }).toBe(expected.join(', '));
    expect(await page.getByLabel('Seed').inputValue()).toBe('42');
    expect(await page.locator('.card[data-column="sex"] input[value="F"]').isChecked()).toBe(true);
    expect(await page.locator('input[name="pipeline"][value="dmriprep"]').isChecked()).toBe(true);
    await expect.poll(async () => (await page.locator('[role=row][data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).sort()).toEqual([...females].sort());
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${planned.length} files`);
    // The folder of the last visit is offered; with it, everything is already saved.
    await page.getByRole('button', { name: 'Use “picked” from last time' }).click();
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${planned.length} already in the folder`);

    // Look before downloading: the inspector loads on demand and reads a T1w header over a Range request.
    await page.getByRole('button', { name: /Look at files before downloading/ }).click();
    await page.getByLabel('Find an image or sidecar').fill('T1w.nii.gz');
    await page.locator('.inspect .link').first().click();
    const t1 = DEMO_PLAN.volumes!.t1!.dims;
    await expect.poll(() => page.locator('[data-field="dims"]').textContent(), { timeout: 120_000 }).toBe(t1.join(' × '));
    await shot(page, '05-inspector');

    expect(demo.browser.pageErrors).toEqual([]);
    expect(firstRun, 'the first save run completes without failures').toContain('Done.');
  });
});
