// The built app with a participants.tsv over 10 MB whose README declares NA as missing (README, "Faults and
// bad input"): parsed by the worker under the page's Content Security Policy, with progress shown, the
// table complete and the panel saying how many cells it read as missing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { serveDist } from '#harness/app.ts';
import { launchChromium, type Chromium } from '#harness/chromium.ts';

const ROWS = 150_000;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let moto: Moto;
let app: Awaited<ReturnType<typeof serveDist>>;
let browser: Chromium;

beforeAll(async () => {
  [moto, app] = await Promise.all([startMoto(), serveDist()]);
  await moto.createBucket('e2e-hostile-tsv');
  const lines = ['participant_id\tage\tsex\tnote'];
  for (let i = 1; i <= ROWS; i++)
    lines.push(`sub-${String(i).padStart(6, '0')}\t${i % 100 === 0 ? 'NA' : (5 + (i % 80)).toFixed(1)}\t${i % 2 ? 'M' : 'F'}\ta note long enough to make this file pass ten megabytes`);
  const tsv = lines.join('\n') + '\n';
  expect(tsv.length).toBeGreaterThan(10 * 1024 * 1024);
  await moto.put('e2e-hostile-tsv', 'big/participants.tsv', tsv);
  await moto.put('e2e-hostile-tsv', 'big/README', 'A study.\n\nMissing values are coded as NA in participants.tsv.\n');
  await moto.put('e2e-hostile-tsv', 'big/dataset_description.json', '{"Name":"big participants","BIDSVersion":"1.8.0"}');
  for (let i = 1; i <= 5; i++) await moto.put('e2e-hostile-tsv', `big/sub-${String(i).padStart(6, '0')}/anat/x_T1w.json`, '{}');
  // participant_id not first, ids far too long for their column, one of them without data, many columns.
  const extra = Array.from({ length: 12 }, (_, i) => `measure_${i}`);
  const odd = [['age', 'participant_id', ...extra].join('\t')];
  for (let i = 1; i <= 4; i++) odd.push([String(20 + i), `sub-${i}${'x'.repeat(50)}`, ...extra.map((_, k) => String(k))].join('\t'));
  await moto.put('e2e-hostile-tsv', 'odd/participants.tsv', odd.join('\n') + '\n');
  for (let i = 1; i <= 3; i++) await moto.put('e2e-hostile-tsv', `odd/sub-${i}${'x'.repeat(50)}/anat/x_T1w.json`, '{}');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await moto?.stop();
});

it('parses a 10 MB+ participants.tsv in a worker, shows progress, and counts the README-declared NA cells', async () => {
  const page = browser.page;
  // Records whether the progress bar ever appeared (it may be gone by the time the table shows).
  await page.addInitScript(() => {
    const w = window as unknown as { sawProgress: boolean };
    w.sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector('.parse-progress progress')) w.sawProgress = true;
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${app.url}#study=${encodeURIComponent(`${moto.endpoint}/e2e-hostile-tsv/big`)}`);
  await expect
    .poll(() => page.locator('#participants-title small').textContent(), { timeout: 120_000 })
    .toContain(`${ROWS.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')} shown`);
  expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
  const workers = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => /parse\.worker/.test(r.name)).length);
  expect(workers).toBeGreaterThan(0);
  await expect.poll(() => page.locator('.missing-note').getAttribute('data-missing-cells')).toBe(String(ROWS / 100));
  expect(await page.locator('.parse-progress').count()).toBe(0);

  // The panel with its note, at three widths, light and dark; no serious or critical axe finding.
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [390, 768, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await page.locator('.missing-note').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `test-artifacts/participants-missing-${width}-${scheme}.png` });
    }
  }
  await page.evaluate(`${AXE};0`);
  const serious = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Element, o: object): Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
    const r = await axe.run(document.querySelector('.participants')!, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
  expect(serious).toEqual([]);
});

it('shows participant_id first and keeps it in place, whatever column the file puts it in; a long id stays on one line', async () => {
  const page = browser.page;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${app.url}#study=${encodeURIComponent(`${moto.endpoint}/e2e-hostile-tsv/odd`)}`);
  await expect.poll(() => page.locator('#participants-title small').textContent(), { timeout: 120_000 }).toContain('4 of 4 shown');
  const table = page.locator('.participants .table');
  expect(await table.locator('.head [role="columnheader"]').nth(1).textContent()).toContain('participant_id');
  await table.evaluate((t) => (t.scrollLeft = t.scrollWidth));
  await expect.poll(() => page.getByTestId('table-scroll-cue').textContent()).toMatch(/^More columns to the left/);
  const rows = await table.evaluate((t) => {
    const box = t.getBoundingClientRect();
    return [...t.querySelectorAll('[role="row"][data-id]')].map((r) => {
      const id = r.children[1] as HTMLElement;
      const b = id.getBoundingClientRect();
      return { id: r.getAttribute('data-id'), left: b.left - box.left, height: b.height, rowHeight: r.getBoundingClientRect().height, text: id.textContent, title: id.title, badge: id.querySelector('.badge') !== null };
    });
  });
  expect(rows).toHaveLength(4);
  for (const r of rows) {
    // In place at the left beside the tick, on one line inside its row, its whole value in the title.
    expect(r.left).toBeGreaterThan(0);
    expect(r.left).toBeLessThan(60);
    expect(r.height).toBeLessThanOrEqual(r.rowHeight);
    expect(r.title).toBe(r.id);
    expect(r.text).toContain(r.id!);
  }
  expect(rows.filter((r) => r.badge).map((r) => r.id)).toEqual([`sub-4${'x'.repeat(50)}`]);
});
