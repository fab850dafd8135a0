// Browsers without a folder picker (Firefox, Safari): the selection is saved as one streamed ZIP.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { DEMO_SUBJECTS } from '#harness/fixtures/index.ts';
import { bodyBytes } from '#harness/fixtures/types.ts';
import { selectSubjects } from '../../src/lib/select/index.ts';
import { S3BIDSStudy } from '../../src/lib/bids/index.ts';
import { createS3Client } from '../../src/lib/s3/index.ts';

let demo: DemoApp;

beforeAll(async () => {
  mkdirSync('test-artifacts', { recursive: true });
  demo = await startDemoApp({ bucket: 'e2e-zip', prefix: 'demo' });
  await demo.browser.context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    delete w.showDirectoryPicker;
    delete w.showSaveFilePicker;
    delete w.showOpenFilePicker; // As in Firefox and Safari: none of the File System Access pickers.
  });
});
afterAll(() => demo?.stop());

it('saves the planned files as a ZIP whose entries match the sources', async () => {
  const page = demo.browser.page;
  await page.goto(`${demo.studyUrl}&n=2&seed=7`);
  await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
  const chosen = selectSubjects(DEMO_SUBJECTS, 2, 7).subjects;
  await expect.poll(() => page.getByTestId('selected-ids').textContent()).toBe(chosen.join(', '));
  expect(await page.getByRole('button', { name: 'Pick a folder…' }).count()).toBe(0);

  const study = await S3BIDSStudy.open({ bucket: 'e2e-zip', s3Prefix: 'demo', subjects: chosen, client: createS3Client({ endpoint: demo.moto.endpoint }) });
  const planned = (await study.plan({ includeDerivs: false })).entries.filter((e) => !e.refused);
  await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(`${planned.length} files`);

  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: 'Save as ZIP' }).click()]);
  const path = 'test-artifacts/e2e-download.zip';
  await download.saveAs(path);
  await expect.poll(() => page.getByTestId('report').textContent(), { timeout: 120_000 }).toContain('Done.');
  await page.screenshot({ path: 'test-artifacts/06-zip.png' });

  // Python's zipfile reads the archive back: entry name -> SHA-256.
  const listing = JSON.parse(
    execFileSync('python3', ['-c', 'import sys,zipfile,hashlib,json;z=zipfile.ZipFile(sys.argv[1]);print(json.dumps({n:hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))', path]).toString(),
  ) as Record<string, string>;
  const byKey = new Map(demo.files.map((f) => [f.key, bodyBytes(f.body)]));
  const entries = Object.keys(listing).filter((n) => !n.startsWith('.s3bids/'));
  expect(entries.sort()).toEqual(planned.map((e) => e.localPath).sort());
  for (const e of planned) expect(listing[e.localPath], e.localPath).toBe(createHash('sha256').update(byKey.get(e.localPath)!).digest('hex'));
  expect(demo.browser.pageErrors).toEqual([]);
});
