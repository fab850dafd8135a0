// Writes one listing record into IndexedDB off the page's thread (see store.ts): IndexedDB copies a value
// when it is put, and for a 76,000-key listing that copy took 200 ms of the page's main thread.
import { createStore, set } from 'idb-keyval';
import type { WriteReply, WriteRequest } from './store.ts';

const post = (m: WriteReply) => (self as unknown as { postMessage(m: WriteReply): void }).postMessage(m);

self.onmessage = async (e: MessageEvent<WriteRequest>) => {
  const { dbName, storeName, key, value } = e.data;
  try {
    await set(key, value, createStore(dbName, storeName));
    post({ type: 'done' });
  } catch (err) {
    // IndexedDB fails with DOMExceptions (QuotaExceededError, NotFoundError…), which are Errors.
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', name: e.name, message: e.message });
  }
};
