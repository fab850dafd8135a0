// The app, built and served on loopback: dist/ for the e2e tests and `npm start` (rebuilt only when a
// source is newer), a throw-away build for the bench, and a small static server for any built folder.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';

export const ROOT = resolve(import.meta.dirname, '..');
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

/**
 * Builds the app into dist/ when it is stale, or always into `outDir` (a folder the caller removes) with
 * no source maps, as the bench measures it.
 */
export async function buildApp(opts: { force?: boolean; quiet?: boolean; outDir?: string } = {}): Promise<void> {
  if (!opts.outDir && !opts.force && !distIsStale()) return;
  // Vitest sets NODE_ENV=test, and Vite keeps it: the build would carry Svelte's development code. Tests
  // must see what users get.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: ROOT,
      mode: 'production',
      logLevel: opts.quiet ? 'warn' : 'info',
      configFile: join(ROOT, 'vite.config.ts'),
      ...(opts.outDir ? { build: { outDir: opts.outDir, emptyOutDir: true, sourcemap: false } } : {}),
    });
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

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/** A tiny static server on 127.0.0.1 for a built folder (GETs of its files, nothing else). */
export async function serveDir(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const file = resolve(base, '.' + (path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
