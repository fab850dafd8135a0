// What a failed file-system call means, for every folder target: a browser folder handle (DOMException
// names, as Chromium raises them), a Node folder (errno codes) and a streamed ZIP (whose failures carry
// the browser's error as their cause). One table, read by the targets, the transfer, the executor and
// the JSON sidecar writer, so each says the same thing about the same failure.
import { S3BIDSError, isS3BIDSError } from '../errors/index.ts';

/**
 * - `full`: QuotaExceededError; ENOSPC, EDQUOT
 * - `denied`: NotAllowedError, SecurityError; EACCES, EPERM, EROFS
 * - `missing`: NotFoundError; ENOENT, ENOTDIR (a parent on the path is not a folder)
 * - `unmodifiable`: NoModificationAllowedError; Chromium says this when writing into a folder deleted
 *   meanwhile, and when another program holds the file
 * - `wrong-type`: TypeMismatchError, EISDIR (a folder where a file is expected, or the other way round)
 * - `stale`: InvalidStateError (the entry changed since its handle was taken)
 */
export type StorageErrorKind = 'full' | 'denied' | 'missing' | 'unmodifiable' | 'wrong-type' | 'stale';

const KINDS = new Map<string, StorageErrorKind>([
  ['QuotaExceededError', 'full'],
  ['ENOSPC', 'full'],
  ['EDQUOT', 'full'],
  ['NotAllowedError', 'denied'],
  ['SecurityError', 'denied'],
  ['EACCES', 'denied'],
  ['EPERM', 'denied'],
  ['EROFS', 'denied'],
  ['NotFoundError', 'missing'],
  ['ENOENT', 'missing'],
  ['ENOTDIR', 'missing'],
  ['NoModificationAllowedError', 'unmodifiable'],
  ['TypeMismatchError', 'wrong-type'],
  ['EISDIR', 'wrong-type'],
  ['InvalidStateError', 'stale'],
]);

/** Node's errno code (a string); a DOMException's `code` is a legacy number and is not one. */
const errnoCode = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};
const errorName = (e: unknown): string | undefined => (e as { name?: string } | null | undefined)?.name;

/** What this one error (not its causes) says about storage, or undefined when it is not a storage error. */
export function storageErrorKind(e: unknown): StorageErrorKind | undefined {
  const code = errnoCode(e);
  return (code !== undefined ? KINDS.get(code) : undefined) ?? KINDS.get(errorName(e) ?? '');
}

/** A raw file-system error, or the engine's own Storage error: not the network's fault, so not retried. */
export const isStorageError = (e: unknown): boolean => storageErrorKind(e) !== undefined || isS3BIDSError(e, 'Storage');

/** The entry is not there as a file: absent, under a parent that is not a folder, or a folder itself. */
export function isAbsent(e: unknown): boolean {
  const kind = storageErrorKind(e);
  return kind === 'missing' || kind === 'wrong-type';
}

/** A failure of the whole folder rather than of one file: later files would fail the same way. */
export type FolderFailure = 'full' | 'denied' | 'missing';

/** Whether a storage error (or one of its causes) is about the whole folder rather than one file. */
export function folderFailure(e: unknown): FolderFailure | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const kind = storageErrorKind(c);
    if (kind === 'full' || kind === 'denied') return kind;
    // Chromium's NoModificationAllowedError may also mean one file held by another program: the executor
    // checks the folder (by rewriting its lock) before stopping, so that stays one file's failure.
    if (kind === 'missing' || kind === 'unmodifiable') return 'missing';
  }
  return undefined;
}

/** What a folder failure means for the user, and what to do. */
export const FOLDER_FAILURE_HINT: Record<FolderFailure, string> = {
  full: 'the disk (or the browser storage quota for this site) is full. Free some space and save again; files already saved are kept',
  denied: 'writing to the folder is no longer allowed. Choose the folder again (grant access) and save again; files already saved are kept',
  missing: 'the folder was moved or deleted. Choose a folder and save again',
};

/** The reason a saved file failed, in the report: the folder's problem and what to do, or the raw error. */
export function fileWriteError(localPath: string, e: unknown): S3BIDSError {
  const kind = folderFailure(e);
  const raw = String((e as Error)?.message ?? e).replace(/[.\s]+$/, '');
  const why = kind ? `${FOLDER_FAILURE_HINT[kind]} (${raw})` : `${raw}. Check the folder and free space`;
  return new S3BIDSError('Storage', `Could not write "${localPath}": ${why}.`, { cause: e, retryable: false });
}

const BROWSER_HINT: Record<StorageErrorKind, string> = {
  full: 'The disk (or the browser storage quota) is full.',
  denied: 'The browser no longer allows writing to this folder: choose it again.',
  missing: 'The folder was moved or deleted: choose it again.',
  unmodifiable: 'The folder was moved or deleted, or another program holds the file: choose the folder again.',
  'wrong-type': 'Check the folder still exists and is writable.',
  stale: 'Check the folder still exists and is writable.',
};

/**
 * The Storage error a folder target throws when a file-system call fails: names the call, the path and
 * the system's own word for the failure (a DOMException name in the browser, an errno code in Node).
 */
export function targetStorageError(target: 'browser' | 'node', what: string, path: string, cause: unknown): S3BIDSError {
  if (target === 'node')
    return new S3BIDSError('Storage', `Could not ${what} "${path}" (${errnoCode(cause) ?? String(cause)}). Check the folder exists, is writable and has space.`, { cause });
  const name = errorName(cause) ?? '';
  const kind = storageErrorKind(cause);
  const hint = kind ? BROWSER_HINT[kind] : 'Check the folder still exists and is writable.';
  return new S3BIDSError('Storage', `Could not ${what} "${path}" (${name || String(cause)}). ${hint}`, { cause });
}

/**
 * The error a failed writable stream holds. Chromium's `close()` on a stream whose write failed says only
 * "Cannot close a ERRORED writable stream"; the stream itself keeps the real error (QuotaExceededError…).
 */
export async function streamError(w: WritableStream<Uint8Array>, fallback: unknown): Promise<unknown> {
  try {
    await w.getWriter().closed;
  } catch (e) {
    return e ?? fallback;
  }
  return fallback;
}
