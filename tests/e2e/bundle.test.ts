// What the first page load fetches: the slice viewer (NiiVue) loads on demand only, and the start stays
// within 150 KB gzip (docs/contract.md, "Performance").
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { DIST } from '#harness/app.ts';

const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const initial = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)]
  .map((m) => (m[1] ?? m[2])!.replace(/^\.\//, ''))
  .filter((u) => u.endsWith('.js'));
const read = (f: string) => readFileSync(join(DIST, f), 'utf8');

it('keeps NiiVue out of the JavaScript loaded at start, and the start under 150 KB gzip', () => {
  expect(initial.length).toBeGreaterThan(0);
  const lazy = readdirSync(join(DIST, 'assets')).map((f) => `assets/${f}`).filter((f) => f.endsWith('.js') && !initial.includes(f));
  // The viewer is in the build, in a chunk loaded later.
  expect(lazy.some((f) => /niivue/i.test(read(f)))).toBe(true);
  for (const f of initial) expect(read(f), f).not.toMatch(/niivue/i);
  const gz = initial.reduce((n, f) => n + gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length, 0) / 1024;
  expect(gz).toBeLessThanOrEqual(150);
});

it("parses S3's XML with the AWS SDK's scanner, not DOMParser, in the build (vite.config.ts)", () => {
  const chunks = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js')).map((f) => read(`assets/${f}`));
  // The SDK's XML reader is in the build, and it is the scanner (its error messages), not the DOM walk.
  expect(chunks.some((c) => c.includes('ListObjectsV2'))).toBe(true);
  expect(chunks.some((c) => c.includes('@aws-sdk XML parse error'))).toBe(true);
  for (const c of chunks) expect(c).not.toMatch(/\bDOMParser\b/);
});
