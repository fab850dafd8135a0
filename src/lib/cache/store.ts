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

/** The browser's store: database 's3bids', object store 'listings'. Opened on first use, not on import. */
export function idbListingStore(dbName = DB_NAME, storeName = STORE_NAME): ListingStore {
  let store: UseStore | undefined;
  // createStore touches `indexedDB` lazily, but a missing global should fail inside the call, not here.
  const s = () => (store ??= createStore(dbName, storeName));
  return {
    get: (key) => get(key, s()),
    set: (key, value) => set(key, value, s()),
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
