// The plan opened as a tree (README.md, "Using the app"), in headless Chromium against the built app and
// moto: every chosen subject with its bytes, sessions, datatypes and files with their on-disk states, one
// account of bytes shared by the plan summary, the tree and the save report, and a report marked out of
// date once the choice changes. Screens at 390, 768 and 1440 px, light and dark, axe-clean.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeFindings } from '#harness/axe.ts';
import { startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { DEMO_SUBJECTS } from '#harness/fixtures/index.ts';
import { selectSubjects } from '../../src/lib/select/index.ts';
import { S3BIDSStudy } from '../../src/lib/bids/index.ts';
import { buildPlanTree } from '../../src/lib/plan/index.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';
import { formatBytes } from '../../src/components/format.ts';

const BUCKET = 'e2e-plan-tree';
const PREFIX = 'studies/demo';
const ARTIFACTS = 'test-artifacts';

let demo: DemoApp;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await startDemoApp({ bucket: BUCKET, prefix: PREFIX, browser: { pickedFolder: 'plan-tree', viewport: { width: 1440, height: 900 } } });
});
afterAll(() => demo?.stop());

const text = async (page: Page, id: string) => ((await page.getByTestId(id).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('the plan tree', () => {
  it('lists each chosen subject with bytes, opens to files with states, agrees with the save report, and marks the report out of date', async () => {
    const page = demo.browser.page;
    const expected = selectSubjects(DEMO_SUBJECTS, 3, 42).subjects;
    await page.goto(`${demo.studyUrl}&n=3&seed=42&derivs=all`);
    await expect.poll(() => page.getByTestId('selected-ids').textContent(), { timeout: 120_000 }).toBe(expected.join(', '));

    // The engine's plan for the same choice, grouped by the same tree.
    const client = createS3Client({ endpoint: demo.moto.endpoint });
    const study = await S3BIDSStudy.open({ bucket: BUCKET, s3Prefix: PREFIX, subjects: expected, client });
    const plan = await study.plan({ includeDerivs: true, overwrite: false, verify: false });
    const tree = buildPlanTree(plan);
    const planned = tree.story.planned;
    await expect.poll(() => text(page, 'plan-summary')).toContain(`${planned.files} files`);

    await page.getByRole('button', { name: 'Pick a folder…' }).click();
    await expect.poll(() => text(page, 'plan-summary')).toContain('0 already in the folder');

    // Open the plan: each chosen subject, with its bytes; the totals are the summary's.
    await page.getByRole('button', { name: 'Open the plan' }).click();
    expect(await page.getByRole('button', { name: 'Close the plan' }).getAttribute('aria-expanded')).toBe('true');
    const treeEl = page.getByRole('tree');
    await expect.poll(() => page.locator('[role=treeitem][data-kind=subject]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))).toEqual(expected.map((s) => `s:${s}`));
    for (const sub of expected) {
      const node = tree.roots.find((n) => n.id === `s:${sub}`)!;
      const figures = await page.locator(`[role=treeitem][data-node="s:${sub}"] [data-testid=node-figures]`).textContent();
      expect(figures, sub).toContain(formatBytes(node.story.planned.bytes));
      expect(figures, sub).toContain(`${node.story.planned.files} file`);
    }
    expect(await text(page, 'tree-planned-files')).toBe(planned.files.toLocaleString());
    expect(await text(page, 'tree-planned-bytes')).toBe(formatBytes(planned.bytes));
    expect(await text(page, 'tree-to-fetch')).toBe(`${planned.files.toLocaleString()} (${formatBytes(planned.bytes)})`);
    expect(await text(page, 'plan-summary')).toContain(`${planned.files} files, ${formatBytes(planned.bytes)}`);

    // Keyboard: into the tree, open the first subject, walk down to its first file.
    await treeEl.focus();
    await page.keyboard.press('ArrowRight');
    const first = expected[0]!;
    await expect.poll(() => page.locator(`[role=treeitem][data-node="s:${first}"]`).getAttribute('aria-expanded')).toBe('true');
    const firstNode = tree.roots.find((n) => n.id === `s:${first}`)!;
    const kids = await page.locator('[role=treeitem][aria-level="2"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
    expect(kids).toEqual(firstNode.children.map((n) => n.id));
    // Open every level down the first branch.
    let node = firstNode;
    while (node.children[0] && node.children[0].kind !== 'file') {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      node = node.children[0];
      await expect.poll(() => page.locator(`[role=treeitem][data-node="${node.id}"]`).getAttribute('aria-expanded')).toBe('true');
    }
    expect(['session', 'datatype']).toContain(node.kind);
    const firstFile = node.children[0]!;
    expect(firstFile.kind).toBe('file');
    await page.keyboard.press('ArrowDown');
    const fileRow = page.locator(`[role=treeitem][data-node="${firstFile.id}"]`);
    await expect.poll(() => treeEl.getAttribute('aria-activedescendant')).toBe(await fileRow.getAttribute('id'));
    expect(await fileRow.getAttribute('data-state')).toBe('new');
    expect(await fileRow.textContent()).toContain('to fetch');
    // Left goes back to the parent.
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => treeEl.getAttribute('aria-activedescendant')).toBe(await page.locator(`[role=treeitem][data-node="${node.id}"]`).getAttribute('id'));

    // Save: the report's account is the tree's.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => text(page, 'report'), { timeout: 120_000 }).toContain('Done.');
    expect(await text(page, 'report-planned')).toBe(`${planned.files} files, ${formatBytes(planned.bytes)}`);
    expect(await text(page, 'report-there')).toBe(`0 (${formatBytes(0)})`);
    expect(await text(page, 'report-saved')).toBe(`${planned.files} (${formatBytes(planned.bytes)})`);
    expect(await page.getByTestId('report-stale').count()).toBe(0);
    // The plan is worked out again against the folder: the same total, now all already there.
    await expect.poll(() => text(page, 'tree-there')).toBe(`${planned.files.toLocaleString()} (${formatBytes(planned.bytes)})`);
    expect(await text(page, 'tree-planned-bytes')).toBe(formatBytes(planned.bytes));
    expect(await text(page, 'tree-to-fetch')).toBe(`0 (${formatBytes(0)})`);
    expect(await fileRow.getAttribute('data-state')).toBe('there');
    expect(await text(page, 'plan-summary')).toContain(`${planned.files} already in the folder (${formatBytes(planned.bytes)})`);

    // Screens: 390, 768 and 1440 px, light and dark, with the tree open.
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [390, 768, 1440]) {
        await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
        await page.getByTestId('plan-tree').scrollIntoViewIfNeeded();
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(wide, `sideways scroll at ${width} ${scheme}`).toBeLessThanOrEqual(0);
        expect(await axeFindings(page), `${width} ${scheme}`).toEqual([]);
        await page.locator('section[aria-labelledby=save-title]').screenshot({ path: `${ARTIFACTS}/plan-tree-${width}-${scheme}.png` });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });

    // Another choice: the report is of an older plan now.
    const seed = page.getByLabel('Seed');
    await seed.fill('43');
    await seed.press('Tab');
    await expect.poll(() => page.getByTestId('report-stale').count()).toBe(1);
    expect(await text(page, 'report-stale')).toBe('Out of date — the plan changed since this save.');
    await page.getByTestId('report').screenshot({ path: `${ARTIFACTS}/plan-tree-report-stale.png` });
    // Back to the saved choice: the report describes the plan on screen again.
    await seed.fill('42');
    await seed.press('Tab');
    await expect.poll(() => page.getByTestId('report-stale').count()).toBe(0);
    expect(demo.browser.pageErrors).toEqual([]);
  });
});
