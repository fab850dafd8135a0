// Vitest globalSetup for the e2e project: builds dist/ once (skipped when it is newer than every source),
// and a helper that serves it with `vite preview` on loopback.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/** True when dist/ is missing or older than any source the app is built from. */
export function distIsStale(): boolean {
  const built = existsSync(join(DIST, 'index.html')) ? statSync(join(DIST, 'index.html')).mtimeMs : 0;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'svelte.config.js', 'package-lock.json'];
  return Math.max(...sources.map((s) => newest(join(ROOT, s)))) > built;
}

export async function buildApp(opts: { force?: boolean; quiet?: boolean } = {}): Promise<void> {
  if (!opts.force && !distIsStale()) return;
  // Vitest sets NODE_ENV=test, and Vite keeps it: the build would carry Svelte's development code. Tests
  // must see what users get.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, mode: 'production', logLevel: opts.quiet ? 'warn' : 'info', configFile: join(ROOT, 'vite.config.ts') });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}

/** Serves dist/ on 127.0.0.1 (a secure context, so the File System Access API exists). */
export async function serveDist(port = 0): Promise<{ url: string; server: PreviewServer; close(): Promise<void> }> {
  const server = await preview({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: port !== 0, open: false },
  });
  const addr = server.httpServer.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    server,
    close: () => server.close(),
  };
}

export default async function setup(): Promise<void> {
  await buildApp({ quiet: true });
}
