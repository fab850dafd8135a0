// Debian's Chromium, started the same way everywhere (Vitest browser mode, e2e tests, the bench, driven by
// playwright-core). Playwright cannot download its own browsers on these machines, and without the
// background-networking flags Chromium keeps trying hosts this closed network refuses. A fresh
// user-data-dir per launch keeps the HTTP cache, OPFS and IndexedDB from leaking between runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags for every launch; Vitest's Playwright provider adds headless mode itself. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Chromium {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors, and uncaught exceptions: tests assert there are none. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium at 1280×800. `pickedFolder` names the OPFS folder that `showDirectoryPicker`
 * returns instead of opening a dialog, so the app's real save code runs headless.
 */
export async function launchChromium(opts: { pickedFolder?: string; viewport?: { width: number; height: number } } = {}): Promise<Chromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 's3bids-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', ...CHROMIUM_FLAGS],
    viewport: opts.viewport ?? { width: 1280, height: 800 },
  });
  await context.addInitScript({
    content: `window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(${JSON.stringify(opts.pickedFolder ?? 'picked')}, { create: true });`,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface OpfsFile {
  size: number;
  sha256: string;
}

/** Every file under an OPFS folder (recursively), by `/`-separated path, with its size and SHA-256. */
export async function readOpfsTree(page: Page, folder: string): Promise<Record<string, OpfsFile>> {
  // Plain JavaScript text: a transpiled function may reference helpers (esbuild's __name under tsx)
  // that do not exist in the page.
  return page.evaluate(`(async (name) => {
    const out = {};
    const root = await navigator.storage.getDirectory();
    let dir;
    try { dir = await root.getDirectoryHandle(name); } catch { return out; }
    const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const walk = async (d, base) => {
      for await (const [entryName, handle] of d.entries()) {
        const path = base ? base + '/' + entryName : entryName;
        if (handle.kind === 'directory') await walk(handle, path);
        else {
          const file = await handle.getFile();
          out[path] = { size: file.size, sha256: hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer())) };
        }
      }
    };
    await walk(dir, '');
    return out;
  })(${JSON.stringify(folder)})`);
}

/** Removes an OPFS folder, so a test starts from an empty pick. */
export async function clearOpfs(page: Page, folder: string): Promise<void> {
  await page.evaluate(`navigator.storage.getDirectory().then((root) => root.removeEntry(${JSON.stringify(folder)}, { recursive: true })).catch(() => undefined)`);
}
