// Choosing subject files by BIDS entity (README.md, "Using the app", "What to save"): ticking values in
// the page gives a plan, and an export, of exactly the files with those values, checked against the study
// index; the ticks survive a reload through the URL; suffix and globs sit under "Advanced".
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeFindings } from '#harness/axe.ts';
import { launchChromium } from '#harness/chromium.ts';
import { startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { DEMO_SUBJECTS } from '#harness/fixtures/index.ts';
import { S3BIDSStudy } from '../../src/lib/bids/index.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';

const BUCKET = 'e2e-facets';
const PREFIX = 'studies/demo';
const ARTIFACTS = 'test-artifacts';

let demo: DemoApp;
let study: S3BIDSStudy;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await startDemoApp({ bucket: BUCKET, prefix: PREFIX });
  study = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: PREFIX, subjects: 'all', client: createS3Client({ endpoint: demo.moto.endpoint }) });
});
afterAll(() => demo?.stop());

const chosen = async (page: Page) => ((await page.getByTestId('selected-ids').textContent()) ?? '').split(', ').filter((s) => s.startsWith('sub-'));
const entity = (page: Page, facet: string, value: string) => page.locator(`input[name="entity-${facet}"][value="${value}"]`);
const rel = (key: string) => key.slice(PREFIX.length + 1);

/** The keys the page's export holds (S3 Batch manifest: one `bucket,key` line per planned object). */
async function exportedKeys(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: 'Export…' }).click();
  await page.getByLabel('Format').selectOption('batch');
  const text = page.getByTestId('export-text');
  await expect.poll(() => text.inputValue(), { timeout: 120_000 }).toContain(`${BUCKET},`);
  const keys = (await text.inputValue())
    .trim()
    .split('\n')
    .map((line) => decodeURIComponent(line.slice(BUCKET.length + 1)));
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  return keys.sort();
}

describe('file choices by BIDS entity', () => {
  it('datatype=anat + session=1 in the page: the plan and the export are exactly those files; the ticks survive a reload', async () => {
    const page = demo.browser.page;
    await page.goto(`${demo.studyUrl}&mode=all`);
    await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
    await expect.poll(async () => (await chosen(page)).length).toBeGreaterThan(0);
    const ids = await chosen(page);

    // Data type comes first, each value with its files for the chosen subjects.
    const facets = page.getByTestId('facets');
    expect(await facets.locator('fieldset legend').first().textContent()).toBe('Data type');
    const anatFiles = study.index.plan(ids, { entities: { datatype: ['anat'] } }, 'subject').entries.length;
    expect(await entity(page, 'datatype', 'anat').locator('xpath=..').textContent()).toContain(`anat — ${anatFiles} files`);
    // The size keeps its number and unit on one line (a no-break space between them).
    expect(await entity(page, 'datatype', 'anat').locator('xpath=..').textContent()).toMatch(/files, [\d.]+\u00a0(B|KB|MB|GB)$/);

    await entity(page, 'datatype', 'anat').check();
    // By keyboard: the session box takes focus and Space ticks it.
    await entity(page, 'session', '1').focus();
    await page.keyboard.press('Space');
    expect(await entity(page, 'session', '1').isChecked()).toBe(true);

    // What the index says those files are: every chosen subject's raw file directly in ses-1/anat/, and the
    // default top-level file (pyAFQ's: dataset_description.json).
    const keysOf = ids.flatMap((id) => study.index.keysOf(id).raw.map((o) => o.key));
    const expected = [
      ...keysOf.filter((k) => /^sub-[^/]+\/ses-1\/anat\/[^/]+$/.test(rel(k))),
      ...study.index.topLevelFiles.filter((o) => rel(o.key) === 'dataset_description.json').map((o) => o.key),
    ].sort();
    expect(expected.length).toBeGreaterThan(2);
    expect(study.index.plan(ids, { entities: { datatype: ['anat'], session: ['1'] } }).entries.map((e) => e.key).sort()).toEqual(expected);
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${expected.length} files`);
    expect(await exportedKeys(page)).toEqual(expected);
    // Each ticked value counts what the plan holds of the subjects' files.
    expect(await entity(page, 'session', '1').locator('xpath=..').textContent()).toContain(`— ${expected.length - 1} files`);
    await page.screenshot({ path: `${ARTIFACTS}/facets-01-anat-ses1.png`, fullPage: true });

    // The URL holds the ticks: a reload restores them and the same plan.
    await expect.poll(() => page.url()).toContain('e.datatype=anat');
    expect(page.url()).toContain('e.session=1');
    await page.reload();
    await expect.poll(() => entity(page, 'session', '1').isChecked(), { timeout: 120_000 }).toBe(true);
    expect(await entity(page, 'datatype', 'anat').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${expected.length} files`);

    // Unticking a value takes its files back.
    await entity(page, 'session', '1').uncheck();
    const anatAll = study.index.plan(ids, { entities: { datatype: ['anat'] } }).entries.length;
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${anatAll} files`);
  });

  it('suffix and globs are under Advanced and apply on top; every top-level file is offered by name, with the default said', async () => {
    const page = demo.browser.page;
    await page.goto('about:blank');
    await page.goto(`${demo.studyUrl}&mode=all&e.datatype=anat`);
    await expect.poll(() => entity(page, 'datatype', 'anat').isChecked(), { timeout: 120_000 }).toBe(true);
    const ids = await chosen(page);

    const suffix = page.locator('input[name="suffix"]');
    expect(await suffix.isVisible()).toBe(false);
    await page.getByText('Advanced: name suffix and globs').click();
    await suffix.fill('.json');
    const planned = study.index.plan(ids, { entities: { datatype: ['anat'] }, suffix: '.json' }).entries;
    expect(planned.every((e) => e.localPath === 'dataset_description.json' || /\/anat\/[^/]+\.json$/.test(e.localPath))).toBe(true);
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${planned.length} files`);
    await suffix.fill('');

    expect(await page.getByTestId('top-default').textContent()).toBe('Default, as pyAFQ: dataset_description.json only.');
    await page.locator('input[name="top"][value="some"]').check();
    const names = study.index.topLevelFiles.map((o) => rel(o.key)).sort();
    expect(names).toContain('participants.tsv');
    const offered = await page.locator('input[name="top-name"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(offered.sort()).toEqual(names);
    await page.locator('input[name="top-name"][value="participants.tsv"]').check();
    const withTsv = study.index.plan(ids, { entities: { datatype: ['anat'] }, topLevelFiles: ['participants.tsv'] }).entries;
    expect(withTsv.map((e) => e.localPath)).toContain('participants.tsv');
    expect(withTsv.map((e) => e.localPath)).not.toContain('dataset_description.json');
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${withTsv.length} files`);
    await page.screenshot({ path: `${ARTIFACTS}/facets-02-advanced-top.png`, fullPage: true });
  });
});

/** axe-core's serious and critical findings on the page as it is now (as tests/e2e/screens.test.ts runs it). */

describe('the file choices on every screen', () => {
  for (const width of [390, 768, 1440] as const) {
    it(`wrap without sideways scroll at ${width} px, light and dark, with no serious or critical axe finding`, async () => {
      for (const scheme of ['light', 'dark'] as const) {
        const b = await launchChromium({ viewport: { width, height: width < 500 ? 844 : 900 } });
        try {
          await b.page.emulateMedia({ colorScheme: scheme });
          // Every part of the panel open: entity ticks, pipelines, every top-level file, Advanced.
          const view = `&mode=all&e.datatype=anat&e.session=1&derivs=some&pipelines=afq&top=some&topNames=participants.tsv&suffix=.nii.gz`;
          await b.page.goto(`${demo.studyUrl}${view}`);
          await expect.poll(() => entity(b.page, 'session', '1').isChecked(), { timeout: 120_000 }).toBe(true);
          await expect.poll(() => b.page.locator('input[name="top-name"]').count()).toBeGreaterThan(3);
          expect(await b.page.locator('input[name="suffix"]').isVisible()).toBe(true);
          const w = await b.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
          expect(w.scroll, `${scheme} at ${width} px`).toBeLessThanOrEqual(w.inner);
          expect(await axeFindings(b.page), `${scheme} at ${width} px`).toEqual([]);
          await b.page.locator('section[aria-labelledby="options-title"]').screenshot({ path: `${ARTIFACTS}/facets-panel-${width}-${scheme}.png` });
          expect(b.pageErrors).toEqual([]);
        } finally {
          await b.close();
        }
      }
    });
  }
});
