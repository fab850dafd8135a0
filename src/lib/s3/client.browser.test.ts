// In the browser every S3 request, listings and signed reads included, bypasses the HTTP cache
// (docs/contract.md, "Overwrite, skip, resume, verify").
import { afterEach, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createS3Client } from './client.ts';
import { listAll } from './list.ts';
import { getObjectBytes } from './object.ts';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Records the cache mode of every request the page sends. */
function recordCacheModes(): string[] {
  const modes: string[] = [];
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    modes.push(init?.cache ?? (input instanceof Request ? input.cache : 'default'));
    return realFetch(input, init);
  }) as typeof fetch;
  return modes;
}

it('anonymous listings and reads ask for no-store', async () => {
  await commands.s3Seed('client-cache', 'p/', [{ name: 'a.txt', size: 10 }]);
  const client = createS3Client({ endpoint: inject('motoEndpoint') });
  const modes = recordCacheModes();
  expect((await listAll(client, 'client-cache', 'p/')).map((k) => k.key)).toEqual(['p/a.txt']);
  expect((await getObjectBytes(client, 'client-cache', 'p/a.txt')).length).toBe(10);
  expect(modes).toHaveLength(2);
  expect(new Set(modes)).toEqual(new Set(['no-store']));
});

it('signed requests ask for no-store too', async () => {
  const client = createS3Client({
    endpoint: inject('motoEndpoint'),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
  const modes = recordCacheModes();
  // moto refuses a browser's preflight for signed requests (real S3 answers it per the bucket's CORS), so
  // the request itself fails here; what matters is how it was sent.
  await listAll(client, 'client-cache', 'p/').catch(() => undefined);
  expect(modes.length).toBeGreaterThanOrEqual(1);
  expect(new Set(modes)).toEqual(new Set(['no-store']));
});

it("parses S3's XML without DOMParser: the SDK's own scanner, entities and odd keys kept (vite.config.ts)", async () => {
  const names = ['a&b <c>.txt', "q'uo\"te.json", 'ünï €.tsv', 'cr\r.txt'];
  await commands.s3Seed('client-xml', 'p/', names.map((name) => ({ name, size: 3 })));
  const client = createS3Client({ endpoint: inject('motoEndpoint') });
  // The prototype, not the global: a parser made before this test (the SDK keeps one) is caught too.
  const real = DOMParser.prototype.parseFromString;
  let asked = 0;
  DOMParser.prototype.parseFromString = function (...args: Parameters<typeof real>) {
    asked++;
    return real.apply(this, args);
  };
  try {
    const listed = await listAll(client, 'client-xml', 'p/');
    expect(listed.map((k) => k.key).sort()).toEqual(names.map((n) => `p/${n}`).sort());
    // ETags come quoted as `&quot;…&quot;` in the XML: decoded, then stripped to 32 hex digits.
    for (const k of listed) expect(k.etag).toMatch(/^[0-9a-f]{32}$/);
  } finally {
    DOMParser.prototype.parseFromString = real;
  }
  expect(asked).toBe(0);
});
