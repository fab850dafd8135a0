// The storage-error table, fed the errors Node's fs really throws (from real calls on real paths) and the
// DOMException names and messages Chromium uses (storage-errors.browser.test.ts provokes those for real).
import { link, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { S3BIDSError } from '../errors/index.ts';
import {
  FOLDER_FAILURE_HINT,
  fileWriteError,
  folderFailure,
  isAbsent,
  isStorageError,
  storageErrorKind,
  streamError,
  targetStorageError,
} from './storage-errors.ts';

const rejection = (p: Promise<unknown>) => p.then(() => expect.unreachable('the call succeeded'), (e: unknown) => e);

async function nodeErrors() {
  const dir = await mkdtemp(join(tmpdir(), 's3bids-storage-errors-'));
  await writeFile(join(dir, 'file'), 'x');
  await mkdir(join(dir, 'folder'));
  return {
    ENOENT: await rejection(readFile(join(dir, 'nope'))),
    ENOTDIR: await rejection(readFile(join(dir, 'file', 'below'))),
    EISDIR: await rejection(readFile(join(dir, 'folder'))),
    // Linux refuses a hard link to a folder, even to root: a real EPERM without dropping privileges.
    EPERM: await rejection(link(join(dir, 'folder'), join(dir, 'folder-link'))),
    // /dev/full answers every write with "no space left on device".
    ENOSPC: await rejection(writeFile('/dev/full', 'x')),
    EEXIST: await rejection(mkdir(join(dir, 'folder'))),
  };
}

// Names and messages as Chromium raises them from the File System Access API and OPFS.
const chromium = {
  QuotaExceededError: new DOMException('The operation failed because it would cause the application to exceed its storage quota.', 'QuotaExceededError'),
  NotAllowedError: new DOMException('The request is not allowed by the user agent or the platform in the current context.', 'NotAllowedError'),
  SecurityError: new DOMException('It was determined that certain files are unsafe for access within a Web application.', 'SecurityError'),
  NotFoundError: new DOMException('A requested file or directory could not be found at the time an operation was processed.', 'NotFoundError'),
  NoModificationAllowedError: new DOMException('An attempt was made to modify an object where modifications are not allowed.', 'NoModificationAllowedError'),
  TypeMismatchError: new DOMException('The path supplied exists, but was not an entry of requested type.', 'TypeMismatchError'),
  InvalidStateError: new DOMException('An operation that depends on state cached in an interface object was made but the state had changed since it was read from disk.', 'InvalidStateError'),
  InvalidModificationError: new DOMException('The object can not be modified in this way.', 'InvalidModificationError'),
};

describe('storageErrorKind', () => {
  it('reads the errno codes of real Node fs errors', async () => {
    const e = await nodeErrors();
    expect((e.ENOSPC as { code?: string }).code).toBe('ENOSPC');
    expect((e.EPERM as { code?: string }).code).toBe('EPERM');
    expect(storageErrorKind(e.ENOENT)).toBe('missing');
    expect(storageErrorKind(e.ENOTDIR)).toBe('missing');
    expect(storageErrorKind(e.EISDIR)).toBe('wrong-type');
    expect(storageErrorKind(e.EPERM)).toBe('denied');
    expect(storageErrorKind(e.ENOSPC)).toBe('full');
    // Not about storage: a folder that already exists is no failure of the folder.
    expect(storageErrorKind(e.EEXIST)).toBeUndefined();
    expect(isStorageError(e.EEXIST)).toBe(false);
    for (const k of ['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM', 'ENOSPC'] as const) expect(isStorageError(e[k]), k).toBe(true);
  });

  it('reads the DOMException names Chromium uses (whose numeric legacy `code` is no errno)', () => {
    expect(typeof (chromium.NotFoundError as { code: unknown }).code).toBe('number');
    expect(Object.fromEntries(Object.entries(chromium).map(([k, e]) => [k, storageErrorKind(e)]))).toEqual({
      QuotaExceededError: 'full',
      NotAllowedError: 'denied',
      SecurityError: 'denied',
      NotFoundError: 'missing',
      NoModificationAllowedError: 'unmodifiable',
      TypeMismatchError: 'wrong-type',
      InvalidStateError: 'stale',
      InvalidModificationError: undefined,
    });
  });

  it('does not take network or programming errors for storage ones', () => {
    for (const e of [new TypeError('Failed to fetch'), new DOMException('The user aborted a request.', 'AbortError'), new Error('boom'), undefined, null, 'text', 42])
      expect(isStorageError(e), String(e)).toBe(false);
    expect(isStorageError(new S3BIDSError('Storage', 'x'))).toBe(true);
    expect(isStorageError(new S3BIDSError('Network', 'x'))).toBe(false);
  });

  it('counts as absent a missing entry and one of the other type, nothing else', async () => {
    const e = await nodeErrors();
    expect([e.ENOENT, e.ENOTDIR, e.EISDIR, chromium.NotFoundError, chromium.TypeMismatchError].map(isAbsent)).toEqual([true, true, true, true, true]);
    expect([e.EPERM, e.ENOSPC, chromium.NotAllowedError, chromium.NoModificationAllowedError, chromium.InvalidStateError].map(isAbsent)).toEqual([false, false, false, false, false]);
  });
});

describe('folderFailure', () => {
  it('finds the folder-level failure through the causes of a wrapping error', async () => {
    const e = await nodeErrors();
    const wrapped = (cause: unknown) => new S3BIDSError('Storage', 'Could not write', { cause: new Error('inner', { cause }) });
    expect(folderFailure(wrapped(e.ENOSPC))).toBe('full');
    expect(folderFailure(wrapped(e.EPERM))).toBe('denied');
    expect(folderFailure(wrapped(e.ENOENT))).toBe('missing');
    expect(folderFailure(wrapped(chromium.QuotaExceededError))).toBe('full');
    expect(folderFailure(wrapped(chromium.NotAllowedError))).toBe('denied');
    expect(folderFailure(wrapped(chromium.NotFoundError))).toBe('missing');
    // Chromium's word for writing into a folder deleted meanwhile; the executor double-checks the folder.
    expect(folderFailure(wrapped(chromium.NoModificationAllowedError))).toBe('missing');
    // One file's problems, not the folder's.
    expect(folderFailure(wrapped(e.EISDIR))).toBeUndefined();
    expect(folderFailure(wrapped(chromium.TypeMismatchError))).toBeUndefined();
    expect(folderFailure(wrapped(chromium.InvalidStateError))).toBeUndefined();
    expect(folderFailure(new S3BIDSError('Storage', '"a" was left unfinished in the ZIP.'))).toBeUndefined();
  });

  it('stops looking after five levels of causes (a cycle cannot hang it)', () => {
    const deep = [1, 2, 3, 4, 5].reduce<unknown>((cause) => new Error('wrap', { cause }), chromium.QuotaExceededError);
    expect(folderFailure(deep)).toBeUndefined();
    const loop = new Error('loop') as Error & { cause?: unknown };
    loop.cause = loop;
    expect(folderFailure(loop)).toBeUndefined();
  });
});

describe('messages', () => {
  it('a file that could not be written names the folder problem and the way out, or the raw error', async () => {
    const e = await nodeErrors();
    const full = fileWriteError('sub-01/a.nii.gz', chromium.QuotaExceededError);
    expect(full.code).toBe('Storage');
    expect(full.retryable).toBe(false);
    expect(full.cause).toBe(chromium.QuotaExceededError);
    expect(full.message).toBe(
      `Could not write "sub-01/a.nii.gz": ${FOLDER_FAILURE_HINT.full} (The operation failed because it would cause the application to exceed its storage quota).`,
    );
    expect(fileWriteError('x', chromium.NotAllowedError).message).toMatch(/writing to the folder is no longer allowed\. Choose the folder again \(grant access\)/);
    expect(fileWriteError('x', e.ENOENT).message).toMatch(/^Could not write "x": the folder was moved or deleted\. Choose a folder and save again \(ENOENT: no such file or directory, open '.*nope'\)\.$/);
    expect(fileWriteError('x', e.EISDIR).message).toMatch(/^Could not write "x": EISDIR: illegal operation on a directory, read\. Check the folder and free space\.$/);
  });

  it('a browser folder names the DOMException and what to do', () => {
    const msg = (e: unknown) => targetStorageError('browser', 'open for writing', 'a/b.json', e).message;
    expect(msg(chromium.QuotaExceededError)).toBe('Could not open for writing "a/b.json" (QuotaExceededError). The disk (or the browser storage quota) is full.');
    expect(msg(chromium.NotAllowedError)).toBe('Could not open for writing "a/b.json" (NotAllowedError). The browser no longer allows writing to this folder: choose it again.');
    expect(msg(chromium.NotFoundError)).toBe('Could not open for writing "a/b.json" (NotFoundError). The folder was moved or deleted: choose it again.');
    expect(msg(chromium.NoModificationAllowedError)).toBe(
      'Could not open for writing "a/b.json" (NoModificationAllowedError). The folder was moved or deleted, or another program holds the file: choose the folder again.',
    );
    expect(msg(chromium.InvalidModificationError)).toBe('Could not open for writing "a/b.json" (InvalidModificationError). Check the folder still exists and is writable.');
    expect(msg('odd')).toBe('Could not open for writing "a/b.json" (odd). Check the folder still exists and is writable.');
    expect(targetStorageError('browser', 'write', 'x', chromium.NotFoundError).cause).toBe(chromium.NotFoundError);
  });

  it('a Node folder names the errno code', async () => {
    const e = await nodeErrors();
    const err = targetStorageError('node', 'move into place', 'sub-01/a.nii.gz', e.ENOSPC);
    expect(err.code).toBe('Storage');
    expect(err.cause).toBe(e.ENOSPC);
    expect(err.message).toBe('Could not move into place "sub-01/a.nii.gz" (ENOSPC). Check the folder exists, is writable and has space.');
    expect(targetStorageError('node', 'write', 'x', new Error('plain')).message).toBe('Could not write "x" (Error: plain). Check the folder exists, is writable and has space.');
  });
});

describe('streamError', () => {
  it('finds the error a failed writable stream holds, where close() only says the stream errored', async () => {
    const w = new WritableStream<Uint8Array>({
      write() {
        throw chromium.QuotaExceededError;
      },
    });
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(8));
        c.close();
      },
    });
    // As the transfer pipes: the writer is kept open on failure, then closed.
    const piped = await body.pipeTo(w, { preventAbort: true, preventClose: true }).then(() => undefined, (e: unknown) => e);
    expect(piped).toBe(chromium.QuotaExceededError);
    const closeError = await rejection(w.close());
    expect(closeError).toBeInstanceOf(TypeError);
    expect(await streamError(w, closeError)).toBe(chromium.QuotaExceededError);
  });

  it('returns the fallback when the stream holds no error', async () => {
    const w = new WritableStream<Uint8Array>();
    const fallback = new Error('close failed');
    await w.close();
    expect(await streamError(w, fallback)).toBe(fallback);
  });
});
