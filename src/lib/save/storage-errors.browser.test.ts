// The storage-error table against the errors Chromium really raises from OPFS: a missing entry, an entry
// of the other type, a file held by an open writer, and a write over the storage quota.
import { describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { freshFolder } from '#harness/opfs.ts';
import { fileWriteError, folderFailure, isAbsent, storageErrorKind, streamError } from './storage-errors.ts';
import { directoryHandleTarget } from './directory-handle.ts';

const rejection = (p: Promise<unknown>) => p.then(() => expect.unreachable('the call succeeded'), (e: unknown) => e);

describe('storage errors Chromium raises', () => {
  it('a missing entry and an entry of the other type are absent, not a folder failure', async () => {
    const dir = await freshFolder('storage-errors-absent');
    await dir.getDirectoryHandle('folder', { create: true });
    await dir.getFileHandle('file', { create: true });
    const missing = await rejection(dir.getFileHandle('nope'));
    const fileIsFolder = await rejection(dir.getFileHandle('folder'));
    const folderIsFile = await rejection(dir.getDirectoryHandle('file'));
    expect([missing, fileIsFolder, folderIsFile].map((e) => (e as DOMException).name)).toEqual(['NotFoundError', 'TypeMismatchError', 'TypeMismatchError']);
    expect([missing, fileIsFolder, folderIsFile].map(storageErrorKind)).toEqual(['missing', 'wrong-type', 'wrong-type']);
    expect([missing, fileIsFolder, folderIsFile].every(isAbsent)).toBe(true);
    expect(folderFailure(fileIsFolder)).toBeUndefined();
    // The folder target reads such paths as "no file there".
    const target = directoryHandleTarget(dir);
    expect(await target.stat('nope')).toBeUndefined();
    expect(await target.stat('folder')).toBeUndefined();
    expect(await target.readText('file/below')).toBeUndefined();
  });

  it('a file held by an open writer cannot be removed: NoModificationAllowedError', async () => {
    const dir = await freshFolder('storage-errors-held');
    const w = await (await dir.getFileHandle('held', { create: true })).createWritable();
    try {
      const e = await rejection(dir.removeEntry('held'));
      expect((e as DOMException).name).toBe('NoModificationAllowedError');
      expect(storageErrorKind(e)).toBe('unmodifiable');
      expect(isAbsent(e)).toBe(false);
    } finally {
      await w.close();
    }
  });

  it('a write over the storage quota: the stream keeps QuotaExceededError, which stops the run as "full"', async () => {
    const dir = await freshFolder('storage-errors-quota');
    const session = cdp();
    const origin = location.origin;
    const { usage = 0 } = await navigator.storage.estimate();
    await session.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 64 * 1024 });
    try {
      const w = (await (await dir.getFileHandle('big', { create: true })).createWritable()) as WritableStream<Uint8Array>;
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          c.enqueue(new Uint8Array(256 * 1024));
          if (++sent === 8) c.close();
        },
      });
      // As the transfer writes: never abort the writer, close it afterwards.
      const bodyError = await body.pipeTo(w, { preventAbort: true, preventClose: true }).then(() => undefined, (e: unknown) => e);
      const closeError = bodyError === undefined ? await rejection(w.close()) : undefined;
      const stored = await streamError(w, closeError ?? bodyError);
      expect((stored as DOMException).name).toBe('QuotaExceededError');
      expect(storageErrorKind(stored)).toBe('full');
      const reported = fileWriteError('big', stored);
      expect(folderFailure(reported)).toBe('full');
      expect(reported.message).toMatch(/^Could not write "big": the disk \(or the browser storage quota for this site\) is full\. Free some space/);
    } finally {
      await session.send('Storage.overrideQuotaForOrigin', { origin });
    }
  });
});
