// Every screen at phone, tablet and desktop widths, light and dark (README.md, "Using the app"): no
// sideways page scroll, no serious or critical axe-core finding, dark mode from the system setting, a skip
// link, focus kept when panels open and close and when a save ends, and the save's progress in the tab title.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeFindings } from '#harness/axe.ts';
import { launchChromium, type Chromium } from '#harness/chromium.ts';
import { startDemoApp, waitForDemo, type DemoApp } from '#harness/demo-app.ts';

const BUCKET = 'e2e-screens';
const PREFIX = 'studies/demo';
const WIDTHS = [390, 768, 1440] as const;

let demo: DemoApp;

beforeAll(async () => {
  // Each test launches its own Chromium at its screen size and colour scheme.
  demo = await startDemoApp({ bucket: BUCKET, prefix: PREFIX, browser: false });
});
afterAll(() => demo?.stop());

async function openOn(width: number, scheme: 'light' | 'dark' = 'light'): Promise<Chromium> {
  const b = await launchChromium({ viewport: { width, height: width < 500 ? 844 : 900 }, pickedFolder: `screens-${width}-${scheme}` });
  await b.page.emulateMedia({ colorScheme: scheme });
  await b.page.goto(demo.studyUrl);
  await waitForDemo(b.page);
  return b;
}

const pageWidth = (page: Page) => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));

/** axe-core's serious and critical findings on the page as it is now. */

/** The screens: the study, the inspector open (a NIfTI chosen), the export dialog open. */
const SCREENS: { name: string; enter(page: Page): Promise<void>; leave(page: Page): Promise<void> }[] = [
  { name: 'study', enter: async () => undefined, leave: async () => undefined },
  {
    name: 'inspector',
    enter: async (page) => {
      await page.getByRole('button', { name: /Look at files before downloading/ }).click();
      await page.getByRole('heading', { name: 'Look before you download' }).waitFor();
      await page.locator('.inspect .files button').first().click();
    },
    leave: async (page) => page.getByRole('button', { name: 'Close the inspector' }).click(),
  },
  {
    name: 'export',
    enter: async (page) => {
      await page.getByRole('button', { name: 'Export…' }).click();
      await page.getByRole('dialog').waitFor();
    },
    leave: async (page) => page.keyboard.press('Escape'),
  },
];

describe('every screen', () => {
  for (const width of WIDTHS) {
    it(`has no sideways page scroll at ${width} px, and (at 390 and 1440) no serious or critical axe finding`, async () => {
      for (const scheme of ['light', 'dark'] as const) {
        const b = await openOn(width, scheme);
        try {
          for (const s of SCREENS) {
            await s.enter(b.page);
            const w = await pageWidth(b.page);
            expect(w.scroll, `${s.name} ${scheme} at ${width} px`).toBeLessThanOrEqual(w.inner);
            if (width !== 768) expect(await axeFindings(b.page), `${s.name} ${scheme} at ${width} px`).toEqual([]);
            await s.leave(b.page);
          }
          expect(b.pageErrors).toEqual([]);
        } finally {
          await b.close();
        }
      }
    });
  }

  it('follows the system dark setting', async () => {
    const colours = async (scheme: 'light' | 'dark') => {
      const b = await openOn(1440, scheme);
      try {
        return await b.page.evaluate(() => ({ bg: getComputedStyle(document.documentElement).backgroundColor, fg: getComputedStyle(document.documentElement).color }));
      } finally {
        await b.close();
      }
    };
    const light = await colours('light');
    const dark = await colours('dark');
    expect(dark.bg).not.toBe(light.bg);
    expect(dark.fg).not.toBe(light.fg);
    // A dark background: each channel well under the middle.
    const channels = dark.bg.match(/\d+/g)!.slice(0, 3).map(Number);
    expect(Math.max(...channels)).toBeLessThan(64);
  });

  it('offers a skip link, and keeps focus when the inspector and the export dialog open and close', async () => {
    const b = await openOn(1440);
    const page = b.page;
    const focused = () => page.evaluate(() => {
      const a = document.activeElement;
      return a === document.body || !a ? 'BODY' : (a.id || a.textContent?.trim() || a.tagName);
    });
    try {
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('Skip to the study');
      await page.keyboard.press('Enter');
      // A study is open: past the picker, onto its overview.
      expect(await focused()).toBe('overview-title');

      await page.getByRole('button', { name: /Look at files before downloading/ }).click();
      await expect.poll(focused).toBe('inspector-top');
      await page.getByRole('button', { name: 'Close the inspector' }).click();
      await expect.poll(focused).toMatch(/^Look at files before downloading/);

      await page.getByRole('button', { name: 'Export…' }).click();
      await page.getByRole('dialog').waitFor();
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
      await expect.poll(focused).toBe('Export…');

      // Tab past the page's last control leaves the page (to the browser's bar); focus is not pulled back.
      await page.getByRole('button', { name: 'Clear cached listings' }).focus();
      await page.keyboard.press('Tab');
      // The app's focus keeper runs on a zero-delay timer; this one is queued after it.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
      expect(await focused()).toBe('BODY');
    } finally {
      await b.close();
    }
  });

  it('says when the participants table hides columns past its edge, and on which side', async () => {
    const b = await openOn(390);
    const page = b.page;
    const cue = page.getByTestId('table-scroll-cue');
    const table = page.locator('.participants .table');
    try {
      // Nine columns do not fit on a phone: the cue points right, and the right edge fades.
      await expect.poll(() => cue.textContent()).toMatch(/^More columns to the right/);
      expect(await page.locator('.table-frame.more-right').count()).toBe(1);
      await table.evaluate((e) => (e.scrollLeft = e.scrollWidth));
      await expect.poll(() => cue.textContent()).toMatch(/^More columns to the left/);
      expect(await page.locator('.table-frame.more-right').count()).toBe(0);
      // Scrolled to the last column, each row still shows its tick and participant_id at the table's left
      // edge.
      const place = await table.evaluate((t) => {
        const box = t.getBoundingClientRect();
        const row = t.querySelector('[role="row"][data-id]')!;
        const [tick, id] = [...row.querySelectorAll('[role="cell"]')].map((c) => c.getBoundingClientRect());
        return { tick: tick!.left - box.left, id: id!.left - box.left, idRight: id!.right - box.left, width: box.width, name: row.children[1]!.textContent!.trim() };
      });
      expect(place.tick).toBeGreaterThanOrEqual(0);
      expect(place.tick).toBeLessThan(3);
      expect(place.id).toBeGreaterThan(place.tick);
      expect(place.idRight).toBeLessThan(place.width / 2);
      expect(place.name).toMatch(/^sub-/);
      // The header's corner above the ticks is as tall as the header, so names scrolled under it stay hidden.
      const corner = await table.evaluate((t) => {
        const head = t.querySelector('.head')!;
        return { cell: head.children[0]!.getBoundingClientRect().height, head: head.getBoundingClientRect().height };
      });
      expect(corner.cell).toBeGreaterThanOrEqual(corner.head - 2);
      // Columns that all fit (here narrowed by a style, since nine do not fit beside the side panel even
      // at 1600 px): no cue at all.
      await page.addStyleTag({
        content: '.participants .head, .participants .body { min-width: 0 !important; } .participants .head, .participants .row { grid-template-columns: repeat(10, minmax(0, 1fr)) !important; }',
      });
      await page.setViewportSize({ width: 1440, height: 900 });
      await expect.poll(() => cue.count()).toBe(0);
    } finally {
      await b.close();
    }
  });

  it('shows the save in the tab title, says when it ends, and never drops focus to the page', async () => {
    const b = await openOn(1440);
    const page = b.page;
    try {
      const base = await page.title();
      // Every title the tab shows, in order.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { titles: string[] }).titles = seen;
        new MutationObserver(() => seen.push(document.title)).observe(document.querySelector('title')!, { childList: true, characterData: true, subtree: true });
      });
      await page.getByRole('button', { name: 'Pick a folder…' }).click();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect.poll(() => page.getByTestId('save-notice').textContent(), { timeout: 120_000 }).toMatch(/^Save finished: \d+ files? saved/);
      const titles = await page.evaluate(() => (window as unknown as { titles: string[] }).titles);
      expect(titles.some((t) => /^(\d+% saved|Saving…) — /.test(t) && t.endsWith(base))).toBe(true);
      expect(await page.title()).toBe(base);
      expect(await page.evaluate(() => document.activeElement !== document.body && document.activeElement !== null)).toBe(true);
    } finally {
      await b.close();
    }
  });
});
