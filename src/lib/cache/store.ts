import { clear, createStore, del, get, keys, set, type UseStore } from 'idb-keyval';

/** Where listings are kept: IndexedDB in the browser, a Map in Node tests, anything with these four calls. */
export interface ListingStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
  keys(): Promise<string[]>;
}

export const DB_NAME = 's3bids';
export const STORE_NAME = 'listings';

export interface WriteRequest {
  dbName: string;
  storeName: string;
  key: string;
  value: unknown;
}

export type WriteReply = { type: 'done' } | { type: 'error'; name: string; message: string };

/**
 * Puts one value from a worker (write.worker.ts): the worker's thread, not the page's, pays for IndexedDB's
 * copy of a big listing. A put that fails keeps its error's name (QuotaExceededError…), as on the page; a
 * worker that cannot start or run (a host that does not serve it, a policy that forbids it) hands the put
 * back to the page: `onPage`.
 */
function setFromWorker(req: WriteRequest, onPage: () => Promise<void>): Promise<void> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./write.worker.ts', import.meta.url), { type: 'module', name: 'listing cache' });
  } catch {
    return onPage();
  }
  return new Promise<void>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<WriteReply>) => {
      const m = e.data;
      if (m.type === 'done') resolve();
      else reject(Object.assign(new Error(m.message), { name: m.name }));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      onPage().then(resolve, reject);
    };
    worker.postMessage(req);
  }).finally(() => worker.terminate());
}

/**
 * The browser's store: database 's3bids', object store 'listings'. Opened on first use, not on import.
 * Writes go through a worker where there are workers (`writer: 'worker'`, the default), else on the page.
 */
export function idbListingStore(dbName = DB_NAME, storeName = STORE_NAME, opts: { writer?: 'worker' | 'page' } = {}): ListingStore {
  let store: UseStore | undefined;
  // createStore touches `indexedDB` lazily, but a missing global should fail inside the call, not here.
  const s = () => (store ??= createStore(dbName, storeName));
  const inWorker = (opts.writer ?? 'worker') === 'worker' && typeof Worker !== 'undefined';
  return {
    get: (key) => get(key, s()),
    set: (key, value) => (inWorker ? setFromWorker({ dbName, storeName, key, value }, () => set(key, value, s())) : set(key, value, s())),
    delete: (key) => del(key, s()),
    clear: () => clear(s()),
    keys: async () => (await keys(s())).map(String),
  };
}

/** A Map-backed store, for Node and for tests. Values are cloned, as IndexedDB would. */
export function memoryListingStore(map = new Map<string, unknown>()): ListingStore & { map: Map<string, unknown> } {
  return {
    map,
    get: async (key) => (map.has(key) ? structuredClone(map.get(key)) : undefined),
    set: async (key, value) => void map.set(key, structuredClone(value)),
    delete: async (key) => void map.delete(key),
    clear: async () => map.clear(),
    keys: async () => [...map.keys()],
  };
}

/** IndexedDB where it exists, else a store that lives as long as the page (Node, private modes). */
export function defaultListingStore(): ListingStore {
  return typeof indexedDB === 'undefined' ? memoryListingStore() : idbListingStore();
}
