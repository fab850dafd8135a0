// The IndexedDB path in Chromium. Revalidation against moto is covered in listing-cache.test.ts (Node):
// the browser project's moto has no buckets, and a page cannot create one (moto answers the CORS
// preflight of a bucket that does not exist yet with 403).
import { describe, expect, it } from 'vitest';
import { ListingCache, listingCacheKey } from './listing-cache.ts';
import { DB_NAME, STORE_NAME, idbListingStore } from './store.ts';
import type { StudyListing } from '../s3/types.ts';

const SECRET = 'wJalrXUtnFEMI-not-a-real-secret-K7MDENG';
const KEY_ID = 'AKIAEXAMPLEKEYID0001';

/** Every record in the object store, read with the raw IndexedDB API rather than through our code. */
async function rawRecords(): Promise<{ keys: IDBValidKey[]; values: unknown[] }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const all = <T,>(f: (s: IDBObjectStore) => IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      const req = f(db.transaction(STORE_NAME, 'readonly').objectStore(STORE_NAME));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  try {
    return { keys: await all((s) => s.getAllKeys()), values: await all((s) => s.getAll()) };
  } finally {
    db.close();
  }
}

function listing(n: number, endpoint = 'http://127.0.0.1:9000'): StudyListing {
  const keys = Array.from({ length: n }, (_, i) => ({
    key: `ds/sub-${String(i).padStart(5, '0')}/anat/T1w.nii.gz`,
    size: 1000 + i,
    etag: i.toString(16).padStart(32, '0'),
    lastModified: '2024-01-01T00:00:00.000Z',
  }));
  return { endpoint, bucket: 'b', prefix: 'ds', topFolders: keys.map((k) => k.key.slice(3, 13)), topObjects: [], keys, listedAt: new Date().toISOString() };
}

describe('listing cache in IndexedDB (Chromium)', () => {
  it('survives a new cache instance (a reload) with every key, size and ETag', async () => {
    const cache = new ListingCache({ store: idbListingStore() });
    await cache.clear();
    const l = listing(25_000);
    expect(await cache.put(l)).toBe(true);
    const again = new ListingCache({ store: idbListingStore() });
    const copy = await again.get('http://127.0.0.1:9000/', 'b', '/ds/');
    expect(copy?.listing.keys).toEqual(l.keys);
    expect(copy?.listing.topFolders).toEqual(l.topFolders);
    expect(Date.parse(copy!.savedAt)).toBeGreaterThan(0);
    const raw = await rawRecords();
    expect(raw.keys).toEqual([listingCacheKey('http://127.0.0.1:9000', 'b', 'ds')]);
  });

  it('never writes credentials, even when a caller attaches them or pastes them into the endpoint', async () => {
    const cache = new ListingCache({ store: idbListingStore() });
    await cache.clear();
    const l = listing(3, `http://${KEY_ID}:${SECRET}@127.0.0.1:9000/?X-Amz-Credential=${KEY_ID}`);
    const tainted = { ...l, credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET }, client: { secret: SECRET } };
    expect(await cache.put(tainted as StudyListing)).toBe(true);
    const raw = await rawRecords();
    const text = JSON.stringify(raw);
    expect(text).toContain('sub-00002/anat/T1w.nii.gz');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(KEY_ID);
    expect(JSON.stringify({ ...localStorage })).not.toContain(SECRET);
    // The copy is found under the clean endpoint.
    expect((await cache.get('http://127.0.0.1:9000', 'b', 'ds'))?.listing.keys).toHaveLength(3);
  });

  it('clears all cached data', async () => {
    const cache = new ListingCache({ store: idbListingStore() });
    await cache.put(listing(2));
    await cache.put({ ...listing(2), prefix: 'other' });
    expect((await rawRecords()).values.length).toBe(2);
    await cache.clear();
    expect((await rawRecords()).values).toEqual([]);
    expect(await cache.get('http://127.0.0.1:9000', 'b', 'ds')).toBeUndefined();
  });

  it('turns an IndexedDB that will not open into a warning', async () => {
    const warnings: string[] = [];
    // Opening below the existing version fails, as a blocked or corrupt IndexedDB does.
    await new ListingCache({ store: idbListingStore() }).put(listing(1));
    const store = {
      ...idbListingStore(),
      get: () =>
        new Promise((_, reject) => {
          const req = indexedDB.open(DB_NAME, 0.5);
          req.onerror = () => reject(req.error);
          req.onsuccess = () => req.result.close();
        }),
    };
    const cache = new ListingCache({ store, onWarning: (m) => warnings.push(m) });
    expect(await cache.get('http://127.0.0.1:9000', 'b', 'ds')).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('writes from a worker, off the page\'s thread, and the page reads every key back', async () => {
    const made: string[] = [];
    const PageWorker = globalThis.Worker;
    globalThis.Worker = class extends PageWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        made.push(options?.name ?? '');
      }
    };
    try {
      const cache = new ListingCache({ store: idbListingStore() });
      await cache.clear();
      const l = listing(12_000);
      expect(await cache.put(l)).toBe(true);
      expect(made).toEqual(['listing cache']);
      const copy = await new ListingCache({ store: idbListingStore(DB_NAME, STORE_NAME, { writer: 'page' }) }).get('http://127.0.0.1:9000', 'b', 'ds');
      expect(copy?.listing.keys).toEqual(l.keys);
    } finally {
      globalThis.Worker = PageWorker;
    }
  });

  it('writes on the page when the worker cannot start or stops', async () => {
    const PageWorker = globalThis.Worker;
    const l = listing(50);
    try {
      for (const Broken of [
        class {
          constructor() {
            throw new DOMException('Workers are not allowed here.', 'SecurityError');
          }
        },
        // Starts, then fails as a worker whose script the host does not serve would.
        class extends PageWorker {
          constructor() {
            super(URL.createObjectURL(new Blob(['throw new Error("no such script")'], { type: 'text/javascript' })));
          }
        },
      ]) {
        globalThis.Worker = Broken as unknown as typeof Worker;
        const cache = new ListingCache({ store: idbListingStore() });
        await cache.clear();
        expect(await cache.put(l)).toBe(true);
        expect((await cache.get('http://127.0.0.1:9000', 'b', 'ds'))?.listing.keys).toEqual(l.keys);
      }
    } finally {
      globalThis.Worker = PageWorker;
    }
  });

  it('keeps the name of a failed write from the worker, as a write on the page would, and warns', async () => {
    // A database without the object store: every write fails with NotFoundError.
    const name = 's3bids-test-no-store';
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onsuccess = () => (req.result.close(), resolve());
      req.onerror = () => reject(req.error);
    });
    const failed = async (writer: 'worker' | 'page') => {
      const e = await idbListingStore(name, 'listings', { writer }).set('k', { a: 1 }).then(() => undefined, (err: unknown) => err);
      return (e as Error | undefined)?.name;
    };
    expect(await failed('worker')).toBe('NotFoundError');
    expect(await failed('page')).toBe('NotFoundError');
    const warnings: string[] = [];
    const cache = new ListingCache({ store: idbListingStore(name, 'listings'), onWarning: (m) => warnings.push(m) });
    expect(await cache.put(listing(2))).toBe(false);
    expect(warnings).toEqual(['The listing could not be cached (storage full or unavailable); the app works without it.']);
  });
});
