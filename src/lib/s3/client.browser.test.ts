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
