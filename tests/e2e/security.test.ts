// Security (README.md, "Security"): the Content-Security-Policy holds in the built app, bucket data renders as text
// (XSS payloads in keys, TSV and JSON), and credentials leave no trace in storage, the URL, logs or exports.
import { AWS_S3_SOURCES } from '../../src/security/index.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy } from '#harness/proxy.ts';
import { DIST, serveDist } from '#harness/app.ts';
import { launchChromium, type Chromium } from '#harness/chromium.ts';
import { bidsStudy, BIDS_SUBJECTS, DEMO_SUBJECTS, demoStudy, seedFiles } from '#harness/fixtures/index.ts';
import { BASELINE_POLICY } from '../../src/security/csp.ts';

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '"><script>window.__xss=2</script>';
const JS_URL = 'javascript:alert(1)';
const imgN = (n: number) => `<img src=x onerror="window.__xss=${n}">`;

/** A small study with a payload wherever a bucket can put text in front of the user. */
const XSS_FILES: { key: string; body: string }[] = [
  { key: 'dataset_description.json', body: JSON.stringify({ Name: `Study ${IMG}`, BIDSVersion: '1.8.0', Authors: [SCRIPT], HowToAcknowledge: JS_URL }) },
  {
    key: 'participants.tsv',
    // A leading `"` would make the field a quoted one; the payload still breaks out of an attribute.
    body: `participant_id\tgroup\t${imgN(3)}\nsub-01\tx${SCRIPT}\t${JS_URL}\nsub-02\t${imgN(4)}\t12\n`,
  },
  { key: 'participants.json', body: JSON.stringify({ group: { Description: IMG, Levels: { [imgN(4)]: SCRIPT } } }) },
  { key: `${imgN(7)}.txt`, body: 'a top-level file with a payload name\n' },
  { key: 'sub-01/anat/sub-01_T1w.json', body: JSON.stringify({ Manufacturer: IMG, SeriesDescription: SCRIPT, [imgN(5)]: JS_URL }) },
  { key: `sub-01/anat/sub-01_acq-${imgN(6)}_T1w.json`, body: JSON.stringify({ EchoTime: 0.003 }) },
  { key: 'sub-02/func/sub-02_task-rest_bold.json', body: JSON.stringify({ TaskName: SCRIPT }) },
  {
    key: 'derivatives/afq/dataset_description.json',
    body: JSON.stringify({ Name: 'afq', BIDSVersion: '1.8.0', GeneratedBy: [{ Name: IMG, Version: SCRIPT, CodeURL: JS_URL }] }),
  },
  { key: 'derivatives/afq/sub-01/sub-01_profiles.csv', body: 'a,b\n1,2\n' },
  { key: `derivatives/pipe${imgN(8)}/sub-02/sub-02_x.txt`, body: 'x\n' },
];

const KEY_ID = 'AKIAS3BIDSMARKERKEY7';
const SECRET = 'secretMARKER-9f8e7d6c5b4a-s3bids';
const TOKEN = 'tokenMARKER-1a2b3c4d';

let moto: Moto;
let app: Awaited<ReturnType<typeof serveDist>>;
let browser: Chromium;
let mirror: Proxy;
let other: { origin: string; hits: () => number; server: Server };
// In front of moto, answering preflights as S3 does (moto refuses them for private objects); each request's
// Authorization header is kept, to prove the session was signed.
let s3like: Proxy;
const authorizations: string[] = [];
const consoleMessages: string[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
    }),
  );
}

/** An origin nobody configured, which answers any origin (CORS *): only the CSP can stop a fetch to it. */
async function startOther() {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
    res.end('reached');
  });
  return { origin: await listen(server), hits: () => hits, server };
}

beforeAll(async () => {
  [moto, app] = await Promise.all([startMoto(), serveDist()]);
  await Promise.all([moto.createBucket('e2e-csp'), moto.createBucket('e2e-xss'), moto.createBucket('e2e-creds', { public: false })]);
  await Promise.all([
    demoStudy().then((files) => seedFiles(moto, 'e2e-csp', 'demo', files)),
    seedFiles(moto, 'e2e-xss', 'study', XSS_FILES),
    bidsStudy().then((files) => seedFiles(moto, 'e2e-creds', 'study', files, { public: false })),
  ]);
  mirror = await startProxy({ target: moto.endpoint });
  other = await startOther();
  s3like = await startProxy({ target: moto.endpoint, answerPreflights: true });
  s3like.setFault((req) => {
    if (typeof req.headers.authorization === 'string') authorizations.push(req.headers.authorization);
    return undefined;
  });
  browser = await launchChromium({ pickedFolder: 'secure' });
  // Every CSP violation of every page load, kept on the page for the tests to read.
  await browser.context.addInitScript({
    content: `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));`,
  });
  browser.page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
});
afterAll(async () => {
  other?.server.close();
  await s3like?.stop();
  await mirror?.stop();
  await browser?.close();
  await app?.close();
  await moto?.stop();
});

/** What injected markup would leave in the page (window.__xss is set only if a payload ran). */
const DOM_CHECK = `({
      xss: window.__xss,
      imgX: document.querySelectorAll('img[src="x"]').length,
      handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).length,
      scripts: [...document.scripts].filter((s) => !s.src.startsWith(location.origin + '/assets/')).map((s) => s.outerHTML),
      jsLinks: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
        .filter((el) => /^\\s*javascript:/i.test(el.getAttribute('href') ?? el.getAttribute('src') ?? el.getAttribute('action') ?? el.getAttribute('formaction') ?? '')).length,
      frames: document.querySelectorAll('iframe, object, embed').length,
    })`;
const prefixed = (p: string, o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p} ${k}`, v]));
const hashFor = (study: string, extra = '') => `#study=${encodeURIComponent(study)}${extra}`;
const violations = (page: Page) => page.evaluate<{ directive: string; blocked: string }[]>('window.__violations');
const policies = (page: Page) => page.evaluate<string[]>(`[...document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]')].map((m) => m.content)`);
const tryFetch = (page: Page, url: string) =>
  page.evaluate<string>(`fetch(${JSON.stringify(url)}, { cache: 'no-store' }).then((r) => r.text(), (e) => 'blocked: ' + e.message)`);

describe('Content-Security-Policy', () => {
  it('the built index.html has no inline script and carries the baseline policy', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\.\/assets\/[^"]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]).toBe(BASELINE_POLICY);
  });

  it('connects to the configured endpoint and blocks an unconfigured origin; no eval, no inline script', async () => {
    const page = browser.page;
    await page.goto(app.url + hashFor(`${moto.endpoint}/e2e-csp/demo`));
    await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
    const [baseline, connect] = await policies(page);
    expect(baseline).toBe(BASELINE_POLICY);
    expect(connect).toBe(`connect-src 'self' ${AWS_S3_SOURCES.join(' ')} ${moto.endpoint}`);

    // The same fetch: blocked under the app's policy, and it works from a page of the same origin without one.
    expect(await tryFetch(page, `${other.origin}/probe`)).toMatch(/^blocked: /);
    expect(other.hits()).toBe(0);
    await expect.poll(() => violations(page)).toContainEqual({ directive: 'connect-src', blocked: `${other.origin}/probe` });
    // Also a loopback origin that differs from moto's only by host name.
    expect(await tryFetch(page, moto.endpoint.replace('127.0.0.1', 'localhost') + '/e2e-csp?list-type=2')).toMatch(/^blocked: /);

    // Scripts: no eval of JavaScript, no injected inline script; WebAssembly compiles (hash-wasm's MD5).
    // Run from a timer: Chromium lets code on a DevTools evaluation's stack eval regardless of the policy.
    const probes = await page.evaluate<Record<string, string>>(`new Promise((resolve) => setTimeout(async () => {
      const out = {};
      try { eval('1'); out.eval = 'ran'; } catch (e) { out.eval = e.name; }
      try { new Function('return 1')(); out.fn = 'ran'; } catch (e) { out.fn = e.name; }
      const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.append(s);
      await new Promise((r) => setTimeout(r, 50));
      out.inline = String(window.__inline);
      try { await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); out.wasm = 'ok'; } catch (e) { out.wasm = e.name; }
      resolve(out);
    }, 0))`);
    expect(probes).toEqual({ eval: 'EvalError', fn: 'EvalError', inline: 'undefined', wasm: 'ok' });

    await page.goto(`${app.url}favicon.svg`); // Same origin, no policy.
    expect(await tryFetch(page, `${other.origin}/probe`)).toBe('reached');
    expect(other.hits()).toBe(1);
  });

  it('mirror endpoints in the URL are allowed, and the study is listed over every one of them', async () => {
    const page = browser.page;
    // Another loopback address: another host to the browser, six more connections (docs/hosts.md).
    const second = await startProxy({ target: moto.endpoint, host: '127.0.0.2' });
    try {
      await page.goto('about:blank');
      await page.goto(app.url + hashFor('s3://e2e-csp/demo', `&endpoint=${encodeURIComponent(moto.endpoint)}&mirror=${encodeURIComponent(second.endpoint)}`));
      await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
      expect((await policies(page))[1]).toBe(`connect-src 'self' ${AWS_S3_SOURCES.join(' ')} ${moto.endpoint} ${second.endpoint}`);
      // The count may come from the listing cached by the test before; the fresh listing follows it.
      await expect.poll(() => second.stats.requests, { timeout: 120_000 }).toBeGreaterThan(0);
      // The mirror stays in the URL, so a shared link lists the same way.
      expect(decodeURIComponent(page.url())).toContain(`mirror=${second.endpoint}`);
      await page.getByText('Advanced: endpoint, mirrors, region, credentials').click();
      // The form shows what the link opened (so "Open" again keeps it).
      expect(await page.getByLabel('Endpoint', { exact: true }).inputValue()).toBe(moto.endpoint);
      expect(await page.getByLabel('Mirror endpoints, one per line (optional)').inputValue()).toBe(second.endpoint);
      expect(await violations(page)).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('a newly configured endpoint reloads the page once, with that endpoint allowed', async () => {
    const page = browser.page;
    await page.goto(app.url + hashFor(`${moto.endpoint}/e2e-csp/demo`));
    await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
    await page.evaluate('window.__sameLoad = true');
    await page.getByLabel('S3 location, URL or accession').fill(`${mirror.endpoint}/e2e-csp/demo`);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.evaluate('window.__sameLoad === true').catch(() => true), { timeout: 120_000 }).toBe(false);
    await expect.poll(() => page.getByTestId('plan-summary').textContent(), { timeout: 120_000 }).toMatch(/\d+ files/);
    expect(decodeURIComponent(page.url())).toContain(`study=${mirror.endpoint}/e2e-csp/demo`);
    expect((await policies(page))[1]).toBe(`connect-src 'self' ${AWS_S3_SOURCES.join(' ')} ${mirror.endpoint}`);
    expect(mirror.stats.requests).toBeGreaterThan(0);
    // The previous endpoint is no longer allowed on this load.
    expect(await tryFetch(page, `${moto.endpoint}/e2e-csp?list-type=2`)).toMatch(/^blocked: /);

    // The slice viewer (NiiVue, loaded on demand) works under the policy.
    await page.getByRole('button', { name: /Look at files before downloading/ }).click();
    await page.getByLabel('Find an image or sidecar').fill('T1w.nii.gz');
    await page.locator('.inspect .link').first().click();
    await expect.poll(() => page.locator('[data-field="dims"]').count(), { timeout: 120_000 }).toBe(1);
    await page.getByRole('button', { name: 'Show slices' }).click();
    const confirm = page.getByRole('button', { name: 'Download and show' });
    if (await confirm.count()) await confirm.click();
    await expect.poll(() => page.locator('.slice-viewer canvas').count(), { timeout: 120_000 }).toBe(1);
    const webgl = await page.evaluate<boolean>(`!!document.createElement('canvas').getContext('webgl2')`);
    if (webgl) {
      const niivueLoaded = `performance.getEntriesByType('resource').some((r) => /\\/niivue-[^/]*\\.js$/.test(r.name))`;
      await expect.poll(() => page.evaluate<boolean>(niivueLoaded), { timeout: 120_000 }).toBe(true);
      await page.waitForTimeout(1000);
      expect(await page.locator('.slice-viewer').textContent()).not.toContain('could not draw');
    }
    expect((await violations(page)).filter((v) => !v.blocked.startsWith(moto.endpoint))).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});

describe('bucket data renders as text', () => {
  it('XSS payloads in keys, participants.tsv, JSON and GeneratedBy show as text and run nothing', async () => {
    const page = browser.page;
    await page.goto('about:blank');
    await page.goto(app.url + hashFor(`${moto.endpoint}/e2e-xss/study`, '&mode=all&derivs=all&top=all'));
    await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe('2');
    // Overview (Name, pipelines with GeneratedBy, top-level files) and the participants table with its plots.
    await expect.poll(() => page.locator('#overview-title').textContent(), { timeout: 120_000 }).toContain(`Study ${IMG}`);
    await expect.poll(() => page.getByTestId('pipelines').textContent(), { timeout: 120_000 }).toContain(`by ${IMG} ${SCRIPT}`);
    await expect.poll(() => page.locator('[role=row][data-id]').count(), { timeout: 120_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('plan-summary').textContent(), { timeout: 120_000 }).toMatch(/\d+ files/);

    // The file finder and the inspector on a JSON sidecar, then one whose key is a payload.
    await page.getByRole('button', { name: /Look at files before downloading/ }).click();
    await page.getByLabel('Find an image or sidecar').fill('sub-01_T1w.json');
    await page.locator('.inspect .link').first().click();
    // Values are shown as JSON (strings quoted), as text.
    await expect.poll(() => page.locator('tr[data-field="Manufacturer"]').textContent(), { timeout: 120_000 }).toContain(JSON.stringify(IMG));
    expect(await page.locator('.sidecar-panel').textContent()).toContain(imgN(5)); // A field name.
    await page.getByLabel('Find an image or sidecar').fill('acq-');
    await expect.poll(() => page.locator('.inspect .link').first().textContent()).toBe(`sub-01/anat/sub-01_acq-${imgN(6)}_T1w.json`);
    await page.locator('.inspect .link').first().click();
    // Not a valid BIDS name, so no sidecar applies; the inspector names the file, as text.
    await expect.poll(() => page.locator('.inspect .view').textContent(), { timeout: 120_000 }).toContain(`Edit study/sub-01/anat/sub-01_acq-${imgN(6)}_T1w.json`);

    // The export dialog, every format.
    await page.getByRole('button', { name: 'Export…' }).click();
    const exports = await readExports(page);
    expect(exports.aws).toContain(imgN(6));
    await page.getByRole('button', { name: 'Close', exact: true }).click();

    const text = await page.evaluate<string>('document.body.innerText');
    for (const shown of [`Study ${IMG}`, SCRIPT, imgN(3), `x${SCRIPT}`, JS_URL, imgN(4), `${imgN(7)}.txt`, `pipe${imgN(8)}`]) expect(text, shown).toContain(shown);
    const dom = await page.evaluate<Record<string, unknown>>(DOM_CHECK);
    expect(dom.xss).toBeUndefined();
    expect(dom).toEqual({ imgX: 0, handlers: 0, scripts: [], jsLinks: 0, frames: 0 });
    expect(await violations(page)).toEqual([]);

    // The check sees markup when there is some; and the policy is a second line: the handler does not run.
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', ${JSON.stringify(`<p>${IMG}<a href="${JS_URL}">x</a></p>`)})`);
    await expect.poll(() => violations(page)).toContainEqual(expect.objectContaining({ directive: 'script-src-attr' }));
    expect(await page.evaluate(DOM_CHECK)).toEqual({ imgX: 1, handlers: 1, scripts: [], jsLinks: 1, frames: 0 });
    expect(browser.pageErrors).toEqual([]);
  });
});

/** How each export format's text starts, so a test knows the new format's text is in. */
const EXPORT_KINDS: Record<string, RegExp> = {
  aws: /^#!\/usr\/bin\/env bash\n# AWS CLI/,
  s5cmd: /^# s5cmd run s3bids-[^ ]+\.s5cmd: /,
  batch: /^[a-z0-9.-]+,/,
  curl: /^#!\/usr\/bin\/env bash\n# curl/,
  pyafq: /AFQ/,
};

/** Every export format's text, from the open export dialog. `batch` is empty when nothing is left to fetch. */
async function readExports(page: Page, opts: { nothingToFetch?: boolean } = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const box = page.getByTestId('export-text');
  for (const [kind, shape] of Object.entries(EXPORT_KINDS)) {
    await page.getByLabel('Format').selectOption(kind);
    const ok = (v: string) => shape.test(v) || (kind === 'batch' && opts.nothingToFetch === true && v === '' && Object.keys(out).length > 0);
    await expect.poll(async () => ok(await box.inputValue()), { timeout: 120_000 }).toBe(true);
    out[kind] = await box.inputValue();
  }
  return out;
}

describe('credentials stay in memory', () => {
  it('after a signed session (browse, plan, save, export) no marker is in storage, the URL, logs, exports or the manifest', async () => {
    const page = browser.page;
    consoleMessages.length = 0;
    await page.goto('about:blank');
    await page.goto(app.url + hashFor(`${s3like.endpoint}/e2e-creds/study`, '&mode=all&derivs=all&top=all'));
    const denied = page.locator('[role="alert"][data-code="AccessDenied"]').first();
    await expect.poll(() => denied.count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await denied.getByRole('button', { name: 'Add credentials' }).click();
    await page.locator('input[name="accessKeyId"]').fill(KEY_ID);
    await page.locator('input[name="secretAccessKey"]').fill(SECRET);
    await page.locator('input[name="sessionToken"]').fill(TOKEN);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(BIDS_SUBJECTS.length));
    await expect.poll(() => page.locator('.card[data-column="age"]').count(), { timeout: 120_000 }).toBe(1);
    expect(authorizations.some((a) => a.includes(`Credential=${KEY_ID}/`))).toBe(true);

    // Browse a sidecar, then save everything (MD5-verified) into the picked folder.
    await page.getByRole('button', { name: /Look at files before downloading/ }).click();
    await page.getByLabel('Find an image or sidecar').fill('func/sub-01_ses-1_task-rest_bold.json');
    await page.locator('.inspect .link').first().click();
    await expect.poll(() => page.locator('.sidecar-panel tr[data-field="TaskName"]').count(), { timeout: 120_000 }).toBe(1);
    await page.getByRole('button', { name: 'Export…' }).click();
    const exportsBefore = await readExports(page);
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByLabel('Verify checksums').check();
    await page.getByRole('button', { name: 'Pick a folder…' }).click();
    await expect.poll(() => page.getByTestId('plan-summary').textContent(), { timeout: 120_000 }).toContain('already in the folder');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByTestId('report').textContent(), { timeout: 120_000 }).toMatch(/Done\.|failed/);
    // Every file is saved and MD5-verified, except the fixture's deliberately unsafe name ("notes #1?.txt").
    const report = (await page.getByTestId('report').textContent()) ?? '';
    expect(Number(/(\d+) saved/.exec(report)?.[1])).toBeGreaterThan(50);
    for (const failure of await page.locator('[data-testid="report"] .failed li').allTextContents()) expect(failure).toMatch(/notes #1\?\.txt: Not saved: .* file systems refuse/);

    await page.getByRole('button', { name: 'Export…' }).click();
    const exportsAfter = await readExports(page, { nothingToFetch: true });
    await page.getByRole('button', { name: 'Close', exact: true }).click();

    const stored = await page.evaluate<Record<string, string>>(`(async () => {
      const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      const replacer = (k, v) => (v instanceof FileSystemHandle ? { handle: v.kind, name: v.name } : v instanceof Blob ? { blob: v.size } : v);
      const idb = {};
      for (const { name } of await indexedDB.databases()) {
        const db = await req(indexedDB.open(name));
        for (const store of db.objectStoreNames) {
          const os = db.transaction(store, 'readonly').objectStore(store);
          idb[name + '/' + store] = { keys: await req(os.getAllKeys()), values: await req(os.getAll()) };
        }
        db.close();
      }
      const cacheNames = 'caches' in self ? await caches.keys() : [];
      const root = await navigator.storage.getDirectory();
      const dir = await (await root.getDirectoryHandle('secure')).getDirectoryHandle('.s3bids');
      const manifest = await (await (await dir.getFileHandle('manifest.json')).getFile()).text();
      return {
        localStorage: JSON.stringify({ ...localStorage }),
        sessionStorage: JSON.stringify({ ...sessionStorage }),
        indexedDB: JSON.stringify(idb, replacer),
        caches: JSON.stringify(cacheNames),
        url: location.href,
        cookie: document.cookie,
        windowName: window.name,
        manifest,
      };
    })()`);
    const everything = { ...stored, console: consoleMessages.join('\n'), ...prefixed('export before save', exportsBefore), ...prefixed('export after save', exportsAfter) };

    // What was read is the real thing: the cache holds this listing, the manifest this save, the exports this plan.
    expect(stored.indexedDB).toContain('e2e-creds');
    const manifest = JSON.parse(stored.manifest!) as { study: { bucket?: string }; files: Record<string, unknown> };
    expect(manifest.study.bucket).toBe('e2e-creds');
    expect(Object.keys(manifest.files).length).toBeGreaterThan(10);
    for (const [kind, text] of Object.entries(exportsBefore)) expect(text, kind).toContain('sub-01');

    for (const [where, text] of Object.entries(everything)) {
      for (const marker of [KEY_ID, SECRET, TOKEN]) expect(text ?? '', `${where} holds ${marker}`).not.toContain(marker);
    }
    expect(browser.pageErrors).toEqual([]);
  });
});
