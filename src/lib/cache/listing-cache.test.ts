import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { createS3Client } from '../s3/client.ts';
import { listStudy } from '../s3/list-study.ts';
import { ListingCache, cachedListing, listingCacheKey, listingChanged, refreshListing, safeEndpoint } from './listing-cache.ts';
import { memoryListingStore, type ListingStore } from './store.ts';

const BUCKET = 'cache-test';
let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  for (const k of ['ds/dataset_description.json', 'ds/sub-01/anat/a.nii.gz', 'ds/sub-02/anat/b.nii.gz', 'other/x'])
    await moto.put(BUCKET, k, `body ${k}`);
});
afterAll(async () => moto?.stop());

const anon = () => createS3Client({ endpoint: moto.endpoint });

describe('keys', () => {
  it('keys by endpoint, bucket and normalised prefix, and drops secrets from endpoints', () => {
    expect(listingCacheKey('http://h:1', 'b', '/p/')).toBe(listingCacheKey('http://h:1/', 'b', 'p'));
    expect(listingCacheKey('http://h:1', 'b', 'p')).not.toBe(listingCacheKey('http://h:2', 'b', 'p'));
    expect(listingCacheKey(undefined, 'b', 'p')).not.toBe(listingCacheKey(undefined, 'b', 'q'));
    expect(safeEndpoint('https://user:secret@minio.lab:9000/base/?X-Amz-Signature=abc#t')).toBe('https://minio.lab:9000/base');
    expect(safeEndpoint(undefined)).toBe('aws');
  });
});

describe('stale-while-revalidate against moto', () => {
  it('lists on a first visit, renders the copy on a revisit, and says when the study changed', async () => {
    const store = memoryListingStore();
    const cache = new ListingCache({ store });
    const c = anon();

    const first = await cachedListing(c, BUCKET, 'ds', { cache });
    expect(first.cached).toBeUndefined();
    const r1 = await first.fresh;
    expect(r1.changed).toBe(false);
    expect(r1.listing.keys.map((o) => o.key)).toEqual(['ds/dataset_description.json', 'ds/sub-01/anat/a.nii.gz', 'ds/sub-02/anat/b.nii.gz']);
    expect(store.map.size).toBe(1);

    const second = await cachedListing(c, BUCKET, '/ds/', { cache });
    expect(second.cached?.listing.keys).toEqual(r1.listing.keys);
    expect(second.cached?.listing.topFolders).toEqual(['sub-01/', 'sub-02/']);
    expect(Date.parse(second.cached!.savedAt)).toBeGreaterThan(0);
    expect((await second.fresh).changed).toBe(false);

    // A new object, then a replaced one: both are changes.
    await moto.put(BUCKET, 'ds/sub-03/anat/c.nii.gz', 'c');
    const third = await cachedListing(c, BUCKET, 'ds', { cache });
    expect(third.cached?.listing.keys).toHaveLength(3);
    const r3 = await third.fresh;
    expect(r3.changed).toBe(true);
    expect(r3.listing.keys).toHaveLength(4);
    await moto.put(BUCKET, 'ds/sub-01/anat/a.nii.gz', 'different body');
    expect((await (await cachedListing(c, BUCKET, 'ds', { cache })).fresh).changed).toBe(true);
    expect((await (await cachedListing(c, BUCKET, 'ds', { cache })).fresh).changed).toBe(false);
  });

  it('keeps studies apart and clears everything on request', async () => {
    const cache = new ListingCache({ store: memoryListingStore() });
    const c = anon();
    await refreshListing(c, BUCKET, 'ds', { cache });
    await refreshListing(c, BUCKET, 'other', { cache });
    expect((await cache.get(moto.endpoint, BUCKET, 'other'))?.listing.keys.map((o) => o.key)).toEqual(['other/x']);
    expect(await cache.get('http://127.0.0.1:9', BUCKET, 'other')).toBeUndefined();
    await cache.remove(moto.endpoint, BUCKET, 'other');
    expect(await cache.get(moto.endpoint, BUCKET, 'other')).toBeUndefined();
    expect(await cache.get(moto.endpoint, BUCKET, 'ds')).toBeDefined();
    await cache.clear();
    expect(await cache.store.keys()).toEqual([]);
  });

  it('works without a cache when storage fails, with a warning', async () => {
    const quota = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    const broken: ListingStore = {
      get: async () => {
        throw new Error('IndexedDB is blocked');
      },
      set: async () => {
        throw quota;
      },
      delete: async () => {
        throw quota;
      },
      clear: async () => {
        throw quota;
      },
      keys: async () => [],
    };
    const warnings: unknown[] = [];
    const cache = new ListingCache({ store: broken, onWarning: (_m, cause) => warnings.push(cause) });
    const r = await cachedListing(anon(), BUCKET, 'other', { cache });
    expect(r.cached).toBeUndefined();
    expect((await r.fresh).listing.keys.map((o) => o.key)).toEqual(['other/x']);
    await cache.clear();
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toBe(quota);
  });

  it('hands a failed revalidation to the caller and keeps the cached copy', async () => {
    const cache = new ListingCache({ store: memoryListingStore() });
    const listing = await listStudy(anon(), BUCKET, 'other');
    const dead = createS3Client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    await cache.put({ ...listing, endpoint: 'http://127.0.0.1:9' });
    const r = await cachedListing(dead, BUCKET, 'other', { cache });
    expect(r.cached?.listing.keys).toEqual(listing.keys);
    await expect(r.fresh).rejects.toMatchObject({ code: 'Network' });
    expect(await cache.get('http://127.0.0.1:9', BUCKET, 'other')).toBeDefined();
  });

  it('ignores records of another version and stores only listing fields', async () => {
    const store = memoryListingStore();
    const cache = new ListingCache({ store });
    const listing = await listStudy(anon(), BUCKET, 'other');
    await cache.put({ ...listing, credentials: { secretAccessKey: 'SECRET' } } as typeof listing);
    expect(JSON.stringify([...store.map.values()])).not.toContain('SECRET');
    await store.set(listingCacheKey(moto.endpoint, BUCKET, 'other'), { version: 0, listing });
    expect(await cache.get(moto.endpoint, BUCKET, 'other')).toBeUndefined();
  });

  it('keeps a big listing key for key, in a few texts, and ignores the older one-object records', async () => {
    const store = memoryListingStore();
    const cache = new ListingCache({ store });
    const keys = Array.from({ length: 12_345 }, (_, i) => ({
      key: `big/sub-${String(i).padStart(5, '0')}/${i % 97 === 0 ? 'tab\there\u0001 ü' : 'a'}.nii.gz`,
      size: i * 7,
      etag: `e${i}`,
      ...(i % 2 ? { lastModified: '2024-05-01T00:00:00.000Z' } : {}),
    }));
    const listing = { endpoint: 'http://127.0.0.1:9', bucket: 'b', prefix: 'big', topFolders: ['sub-00000/'], topObjects: [], keys, listedAt: '2024-05-02T00:00:00Z' };
    await cache.put(listing);
    const rec = [...store.map.values()][0] as { keys: string[]; listing: { keys: unknown[] } };
    expect(rec.keys.length).toBe(3);
    expect(rec.listing.keys).toEqual([]);
    expect((await cache.get('http://127.0.0.1:9', 'b', 'big'))?.listing).toEqual(listing);
    // A record as the first version wrote it (every key an object) is listed again, not misread.
    await store.set(listingCacheKey('http://127.0.0.1:9', 'b', 'big'), { version: 1, savedAt: 'x', listing });
    expect(await cache.get('http://127.0.0.1:9', 'b', 'big')).toBeUndefined();
  });

  it('compares key, size and etag only', async () => {
    const a = await listStudy(anon(), BUCKET, 'ds');
    expect(listingChanged(a, { ...a, listedAt: 'later' })).toBe(false);
    const b = structuredClone(a);
    b.keys[0]!.etag = 'x';
    expect(listingChanged(a, b)).toBe(true);
    const c = structuredClone(a);
    c.keys[0]!.size += 1;
    expect(listingChanged(a, c)).toBe(true);
  });
});
