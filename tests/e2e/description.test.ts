// The dataset's own words (README.md, "Using the app"): dataset_description.json's fields, README and
// CHANGES as plain text, and a citation with a Copy button that says it copied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from '#harness/demo-app.ts';
import { bodyBytes } from '#harness/fixtures/types.ts';

const BUCKET = 'e2e-description';
const PREFIX = 'ds';
let demo: DemoApp;

beforeAll(async () => {
  demo = await startDemoApp({ bucket: BUCKET, prefix: PREFIX });
  await demo.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(demo.app.url).origin });
});
afterAll(() => demo?.stop());

const text = (key: string) => new TextDecoder().decode(bodyBytes(demo.files.find((f) => f.key === key)!.body));

describe("the dataset's own words", () => {
  it('shows dataset_description.json, README and CHANGES as plain text, and copies the citation', async () => {
    const page = demo.browser.page;
    const desc = JSON.parse(text('dataset_description.json')) as { Name: string; License: string; BIDSVersion: string; Authors: string[]; DatasetType: string };
    await page.goto(demo.studyUrl);
    const field = (name: string) => page.locator(`[data-testid="dataset-description"] [data-field="${name}"]`).textContent();
    await expect.poll(() => field('Name'), { timeout: 120_000 }).toBe(desc.Name);
    expect(await field('License')).toBe(desc.License);
    expect(await field('BIDSVersion')).toBe(desc.BIDSVersion);
    expect(await field('Authors')).toBe(desc.Authors.join(', '));
    expect(await field('DatasetType')).toBe(desc.DatasetType);

    // README is fetched only when opened, and shown as written (its Markdown heading is not rendered).
    await page.locator('details.text summary', { hasText: 'README' }).click();
    await expect.poll(() => page.getByTestId('text-README').textContent()).toBe(text('README'));
    expect(await page.locator('details.text h1').count()).toBe(0);
    await page.locator('details.text summary', { hasText: 'CHANGES' }).click();
    await expect.poll(() => page.getByTestId('text-CHANGES').textContent()).toBe(text('CHANGES'));

    const citation = await page.getByTestId('citation').textContent();
    expect(citation).toContain(desc.Authors.join(', '));
    expect(citation).toContain(`s3://${BUCKET}/${PREFIX}`);
    await page.getByRole('button', { name: 'Copy citation' }).click();
    await expect.poll(() => page.locator('.cite [role=status]').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(citation);
  });
});
