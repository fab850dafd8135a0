// The participants plots (README.md, "Using the app"): per column a histogram or labelled category bars with
// axes, each bar showing all participants, the filtered ones and the chosen ones; they follow the filters
// and the choice. Read through each plot's visually hidden table (what a screen reader gets), at phone,
// tablet and desktop widths, light and dark, with axe-core clean.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeFindings } from '#harness/axe.ts';
import { launchChromium } from '#harness/chromium.ts';
import { startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { DEMO_PARTICIPANTS, DEMO_SUBJECTS } from '#harness/fixtures/index.ts';

const BUCKET = 'e2e-plots';
const PREFIX = 'studies/demo';
const ARTIFACTS = 'test-artifacts';

let demo: DemoApp;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Each test launches its own Chromium at its screen size.
  demo = await startDemoApp({ bucket: BUCKET, prefix: PREFIX, browser: false });
});
afterAll(() => demo?.stop());

/** A plot's hidden table: bar label → [all, filtered, chosen]. */
const plotTable = (page: Page, column: string) =>
  page.locator(`.card[data-column="${column}"] table`).evaluate((t) =>
    // Keyed by value: `F (female)` → `F`.
    Object.fromEntries([...t.querySelectorAll('tbody tr')].map((r) => [r.querySelector('th')!.textContent!.trim().replace(/ \(.*\)$/, ''), [...r.querySelectorAll('td')].map((d) => Number(d.textContent))])),
  );


const count = (pred: (r: Readonly<Record<string, string>>) => boolean) => DEMO_PARTICIPANTS.filter(pred).length;

describe('participants plots', () => {
  it('count all, filtered and chosen participants per bar, and follow a filter', async () => {
    const b = await launchChromium({ viewport: { width: 1440, height: 900 } });
    try {
      const page = b.page;
      await page.goto(demo.studyUrl);
      await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
      await expect.poll(() => page.locator('.card[data-column="sex"] canvas').count(), { timeout: 120_000 }).toBeGreaterThan(0);
      const F = count((r) => r.sex === 'F');
      const M = count((r) => r.sex === 'M');
      const before = await plotTable(page, 'sex');
      expect(before['F']?.slice(0, 2)).toEqual([F, F]);
      expect(before['M']?.slice(0, 2)).toEqual([M, M]);
      // Ages: a histogram whose bins hold every participant with an age.
      const ages = await plotTable(page, 'age');
      const withAge = count((r) => r.age !== undefined && r.age !== 'n/a' && r.age !== '');
      expect(Object.entries(ages).filter(([k]) => k !== 'n/a').reduce((a, [, v]) => a + v[0]!, 0)).toBe(withAge);
      expect(Object.keys(ages).filter((k) => k !== 'n/a').every((k) => /^[\d.-]+–[\d.-]+$/.test(k))).toBe(true);

      await page.locator('.card[data-column="sex"] input[value="F"]').check();
      await expect.poll(async () => (await plotTable(page, 'sex'))['M']?.slice(0, 2)).toEqual([M, 0]);
      expect((await plotTable(page, 'sex'))['F']?.slice(0, 2)).toEqual([F, F]);
      // The age plot follows the sex filter too: its filtered layer holds only the women with an age.
      const womenWithAge = count((r) => r.sex === 'F' && r.age !== undefined && r.age !== 'n/a' && r.age !== '');
      await expect.poll(async () => Object.entries(await plotTable(page, 'age')).filter(([k]) => k !== 'n/a').reduce((a, [, v]) => a + v[1]!, 0)).toBe(womenWithAge);
      await expect.poll(() => page.locator('.card[data-column="sex"] [data-filtered]').getAttribute('data-filtered')).toBe(String(F));

      // The chosen layer follows the choice: all candidates = the women with data on S3.
      await page.getByLabel('All candidates').check();
      const chosenWomen = DEMO_PARTICIPANTS.filter((r) => r.sex === 'F' && DEMO_SUBJECTS.includes(r.participant_id!)).length;
      await expect.poll(async () => (await plotTable(page, 'sex'))['F']?.[2]).toBe(chosenWomen);
    } finally {
      await b.close();
    }
  });

  for (const width of [390, 768, 1440] as const)
    for (const scheme of ['light', 'dark'] as const)
      it(`at ${width} px, ${scheme}: axes drawn, header on one line, cards ${width === 390 ? 'one per row' : 'side by side'}, axe clean`, async () => {
        const b = await launchChromium({ viewport: { width, height: width < 500 ? 844 : 900 } });
        try {
          const page = b.page;
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(demo.studyUrl);
          await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
          await expect.poll(() => page.locator('.summaries .card').count(), { timeout: 120_000 }).toBeGreaterThan(1);
          await expect.poll(() => page.locator('.card canvas').count(), { timeout: 120_000 }).toBe(await page.locator('.summaries .card').count());
          await page.locator('.summaries').screenshot({ path: `${ARTIFACTS}/plots-${width}-${scheme}.png` });
          await page.screenshot({ path: `${ARTIFACTS}/plots-page-${width}-${scheme}.png`, fullPage: true });
          const lefts = await page.locator('.summaries .card').evaluateAll((cards) => cards.map((c) => Math.round(c.getBoundingClientRect().left)));
          if (width === 390) expect(new Set(lefts).size).toBe(1);
          else expect(new Set(lefts).size).toBeGreaterThan(1);
          // participant_id's header is one line, not cut.
          const header = await page.getByRole('button', { name: /^participant_id/ }).evaluate((el) => ({ h: el.getBoundingClientRect().height, line: parseFloat(getComputedStyle(el).lineHeight) || 20, cut: el.scrollWidth > el.clientWidth }));
          expect(header.cut).toBe(false);
          expect(header.h).toBeLessThan(header.line * 1.6 + 12);
          expect(await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }))).toSatisfy((w: { scroll: number; inner: number }) => w.scroll <= w.inner);
          expect(await axeFindings(page)).toEqual([]);
        } finally {
          await b.close();
        }
      });
});
