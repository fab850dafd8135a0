// The folder the user picked, remembered in IndexedDB so a later visit can resume into it.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { S3BIDSError } from '../errors/index.ts';
import { storageErrorKind } from './storage-errors.ts';

type PermissionHandle = FileSystemDirectoryHandle & {
  queryPermission?: (d: { mode: 'read' | 'readwrite' }) => Promise<PermissionState>;
  requestPermission?: (d: { mode: 'read' | 'readwrite' }) => Promise<PermissionState>;
};

let store: UseStore | undefined;
// Created on first use: Node (and old browsers) have no IndexedDB until something needs it.
const folders = () => (store ??= createStore('s3bids-folders', 'handles'));

export async function rememberDirectory(handle: FileSystemDirectoryHandle, slot = 'default'): Promise<void> {
  await set(slot, handle, folders());
}

export async function forgetDirectory(slot = 'default'): Promise<void> {
  await del(slot, folders());
}

export interface RecalledDirectory {
  handle: FileSystemDirectoryHandle;
  name: string;
  /** 'granted': usable now; 'prompt': call `ensureDirectoryAccess` from a click; 'denied': pick again. */
  permission: PermissionState;
}

/** The remembered folder and whether the page may write to it now. Never prompts. */
export async function recallDirectory(slot = 'default'): Promise<RecalledDirectory | undefined> {
  const handle = (await get(slot, folders())) as PermissionHandle | undefined;
  if (!handle) return undefined;
  const permission = (await handle.queryPermission?.({ mode: 'readwrite' })) ?? 'granted';
  return { handle, name: handle.name, permission };
}

/**
 * Makes sure the folder can be written: asks for permission when `request` is set (the browser only
 * shows its prompt during a click), then checks the folder still exists where it was.
 */
export async function ensureDirectoryAccess(handle: FileSystemDirectoryHandle, opts: { request?: boolean } = {}): Promise<FileSystemDirectoryHandle> {
  const h = handle as PermissionHandle;
  let state = (await h.queryPermission?.({ mode: 'readwrite' })) ?? 'granted';
  if (state === 'prompt' && opts.request) state = (await h.requestPermission?.({ mode: 'readwrite' })) ?? 'denied';
  if (state !== 'granted')
    throw new S3BIDSError('AccessDenied', `The browser did not allow writing to the folder "${handle.name}". Allow access when asked, or choose the folder again.`);
  try {
    // Reading one entry is enough to learn whether the folder is still there.
    const it = (handle as unknown as { keys(): AsyncIterableIterator<string> }).keys();
    await it.next();
    await it.return?.();
  } catch (e) {
    const name = (e as { name?: string })?.name;
    const kind = storageErrorKind(e);
    if (kind === 'missing' || kind === 'stale')
      throw new S3BIDSError('NotFound', `The folder "${handle.name}" chosen earlier was moved or deleted. Choose the folder again.`, { cause: e });
    throw new S3BIDSError('Storage', `The folder "${handle.name}" cannot be read (${name ?? String(e)}). Choose the folder again.`, { cause: e });
  }
  return handle;
}
