// The README's start command: builds and serves the app with a local S3 server holding the demo study,
// and the page opens on it; without moto it still serves the app and says what the demo needs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '#harness/chromium.ts';
import { DIST } from '#harness/app.ts';
import { DEMO_SUBJECTS } from '#harness/fixtures/index.ts';

let child: ChildProcess | undefined;
let browser: Chromium | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Runs `npm start`'s script and resolves with the address it prints, plus everything it printed. */
function start(env: NodeJS.ProcessEnv): Promise<{ url: string; output: () => string }> {
  let out = '';
  child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve({ url: m[1]!, output: () => out });
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.on('exit', (code) => reject(new Error(`start exited with ${code}:\n${out}`)));
  });
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

describe('npm start', () => {
  it('serves the app on the demo study from a local S3 server, and Ctrl-C stops everything', async () => {
    const { url, output } = await start(process.env);
    expect(output()).toContain('demo study s3://');
    // The demo's S3 address is stable across runs (README.md, "Two commands"), unless that port is taken.
    expect(output()).toMatch(/Local S3 server \(moto\) at http:\/\/127\.0\.0\.1:4569,|Port 4569 is in use/);
    expect(existsSync(join(DIST, 'demo.json'))).toBe(true);
    browser = await launchChromium();
    await browser.page.goto(url);
    await expect.poll(() => browser!.page.getByRole('button', { name: 'Local demo study' }).count(), { timeout: 120_000 }).toBe(1);
    await expect.poll(() => browser!.page.getByTestId('count-subjects').textContent(), { timeout: 120_000 }).toBe(String(DEMO_SUBJECTS.length));
    child!.kill('SIGINT');
    expect(await exited(child!)).toBe(0);
    expect(existsSync(join(DIST, 'demo.json'))).toBe(false);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('without moto_server still serves the app and says how to get the demo', async () => {
    // A PATH without Python's shims: moto_server cannot be found.
    const path = (process.env.PATH ?? '').split(delimiter).filter((d) => !/pyenv|python|\.local/i.test(d)).join(delimiter);
    const { url, output } = await start({ ...process.env, PATH: path });
    expect(output()).toContain('pip install "moto[server]"');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app">');
    // vite preview answers unknown paths with index.html: what matters is that no demo is announced.
    expect(existsSync(join(DIST, 'demo.json'))).toBe(false);
    expect(await (await fetch(url + 'demo.json')).text()).not.toContain('"label"');
    child!.kill('SIGINT');
    expect(await exited(child!)).toBe(0);
  });
});
