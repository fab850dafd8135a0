// A 10,000-row participants.tsv stays smooth: virtualised rows, quick first render, quick filter.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { serveDist } from '#harness/app.ts';
import { launchChromium, type Chromium } from '#harness/chromium.ts';
import { createRng } from '#harness/fixtures/index.ts';

const ROWS = 10_000;
let moto: Moto;
let app: Awaited<ReturnType<typeof serveDist>>;
let browser: Chromium;
let tsv: string;

beforeAll(async () => {
  [moto, app] = await Promise.all([startMoto(), serveDist()]);
  await moto.createBucket('e2e-10k');
  const rng = createRng('participants-10k');
  const lines = ['participant_id\tage\tsex\tsite\tscore'];
  for (let i = 1; i <= ROWS; i++)
    lines.push([`sub-${String(i).padStart(5, '0')}`, (5 + rng.next() * 80).toFixed(1), rng.pick(['M', 'F']), rng.pick(['A', 'B', 'C', 'D']), rng.chance(0.05) ? 'n/a' : String(rng.int(50, 150))].join('\t'));
  tsv = lines.join('\n') + '\n';
  await moto.put('e2e-10k', 'big/participants.tsv', tsv);
  await moto.put('e2e-10k', 'big/dataset_description.json', '{"Name":"10k participants","BIDSVersion":"1.8.0"}');
  for (let i = 1; i <= 20; i++) await moto.put('e2e-10k', `big/sub-${String(i).padStart(5, '0')}/anat/x_T1w.json`, '{}');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await moto?.stop();
});

it('renders 10,000 participants virtualised, filters and sorts them', async () => {
  const page = browser.page;
  await page.goto(`${app.url}#study=${encodeURIComponent(`${moto.endpoint}/e2e-10k/big`)}`);
  await expect.poll(() => page.locator('#participants-title small').textContent(), { timeout: 120_000 }).toContain(`${ROWS.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')} shown`);
  // Only the rows in view are in the DOM.
  const domRows = await page.locator('[role="row"][data-id]').count();
  expect(domRows).toBeGreaterThan(5);
  expect(domRows).toBeLessThan(80);

  // Shift+Tab up the ticks: each one reached is scrolled clear of the header row that stays on top. (The
  // first 20 participants have data, so their ticks take focus; the later ones are disabled.)
  const table = page.locator('.participants .table');
  await table.evaluate((el) => (el.scrollTop = 300));
  await expect.poll(() => page.locator('[role="row"][data-id]').count()).toBeGreaterThan(5);
  const firstBelowHead = await table.evaluate((t) => {
    const head = t.querySelector('.head')!.getBoundingClientRect().bottom;
    const rows = [...t.querySelectorAll<HTMLElement>('[role="row"][data-id]')].filter((r) => r.getBoundingClientRect().top >= head);
    return rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0]!.dataset.id!;
  });
  await page.locator(`[role="row"][data-id="${firstBelowHead}"] input`).focus();
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Shift+Tab');
    const seen = await table.evaluate((t) => ({
      head: t.querySelector('.head')!.getBoundingClientRect().bottom,
      top: document.activeElement!.getBoundingClientRect().top,
      label: document.activeElement!.getAttribute('aria-label') ?? document.activeElement!.tagName,
    }));
    expect(seen.label).toMatch(/^Pick sub-/);
    expect(seen.top).toBeGreaterThanOrEqual(seen.head - 1);
  }

  // Scrolling to the end shows the last participant.
  await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect.poll(() => page.locator('[role="row"][data-id="sub-10000"]').count()).toBe(1);

  // A filter, timed in the page from the click to the next painted frame with the new count.
  const expectedF = tsv.split('\n').slice(1).filter((l) => l.split('\t')[2] === 'F').length;
  const ms = await page.evaluate(async (expected: number) => {
    const box = document.querySelector<HTMLInputElement>('.card[data-column="sex"] input[value="F"]')!;
    const t0 = performance.now();
    box.click();
    for (;;) {
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      if (document.querySelector('#participants-title small')?.textContent?.startsWith(`${expected.toLocaleString()} of`)) return performance.now() - t0;
    }
  }, expectedF);
  console.log(`participants-10k filter: ${ms.toFixed(0)} ms to the painted frame (${expectedF} rows left)`);
  // Sorting 10,000 rows by a number column.
  const sortMs = await page.evaluate(async () => {
    const t0 = performance.now();
    [...document.querySelectorAll<HTMLButtonElement>('button.sort')].find((b) => b.textContent?.trim().startsWith('score'))!.click();
    for (;;) {
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      if (document.querySelector('[aria-sort="ascending"]')) return performance.now() - t0;
    }
  });
  console.log(`participants-10k sort: ${sortMs.toFixed(0)} ms to the painted frame`);
  await page.screenshot({ path: 'test-artifacts/07-participants-10k.png' });
  expect(browser.pageErrors).toEqual([]);
});
