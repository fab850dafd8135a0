// A browser folder: the user's pick (showDirectoryPicker) or an OPFS directory.
import { isAbsent, storageErrorKind, targetStorageError } from './storage-errors.ts';
import type { SaveTarget } from './types.ts';

/** Chromium's FileSystemFileHandle.move, not yet in lib.dom. */
type Movable = FileSystemFileHandle & { move?: (dir: FileSystemDirectoryHandle, name: string) => Promise<void> };

/** The folders and file name of a safe relative path. */
function splitPath(localPath: string): { dirs: string[]; name: string } {
  const parts = localPath.split('/');
  const name = parts.pop() ?? '';
  return { dirs: parts, name };
}

const storageError = (what: string, path: string, cause: unknown) => targetStorageError('browser', what, path, cause);

export function directoryHandleTarget(root: FileSystemDirectoryHandle): SaveTarget {
  // Folder handles are looked up once per path: thousands of small files share a few folders.
  const dirs = new Map<string, Promise<FileSystemDirectoryHandle>>();
  const dirFor = (parts: string[], create: boolean): Promise<FileSystemDirectoryHandle> => {
    if (parts.length === 0) return Promise.resolve(root);
    const id = parts.join('/');
    const known = dirs.get(id);
    // A lookup in flight may be one that must not create (a stat): if it fails, create now.
    if (known) return create ? known.catch(() => lookup(parts, id, true)) : known;
    return lookup(parts, id, create);
  };
  const lookup = (parts: string[], id: string, create: boolean): Promise<FileSystemDirectoryHandle> => {
    const p = dirFor(parts.slice(0, -1), create).then((parent) => parent.getDirectoryHandle(parts[parts.length - 1]!, { create }));
    // Only folders that exist stay remembered; a failed lookup may succeed once created.
    dirs.set(id, p);
    p.catch(() => {
      if (dirs.get(id) === p) dirs.delete(id);
    });
    return p;
  };
  const fileHandle = async (path: string, create: boolean) => {
    const { dirs: parts, name } = splitPath(path);
    const dir = await dirFor(parts, create);
    return { dir, name, file: await dir.getFileHandle(name, { create }) };
  };
  const existing = async (path: string) => {
    try {
      return await fileHandle(path, false);
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw storageError('read', path, e);
    }
  };
  const forgetDirsUnder = () => dirs.clear();
  // Files opened for writing, kept for the move that follows (one lookup fewer per file).
  const open = new Map<string, { dir: FileSystemDirectoryHandle; name: string; file: FileSystemFileHandle }>();

  return {
    kind: 'directory-handle',
    async stat(path) {
      const h = await existing(path);
      if (!h) return undefined;
      return { size: (await h.file.getFile()).size };
    },
    async readText(path) {
      const h = await existing(path);
      return h ? (await h.file.getFile()).text() : undefined;
    },
    async writeText(path, text) {
      try {
        // A writable writes to a swap file and replaces the file atomically on close().
        const { file } = await fileHandle(path, true);
        const w = await file.createWritable();
        try {
          await w.write(text);
          await w.close();
        } catch (e) {
          // Dropped, not committed: the file keeps its last complete content.
          await w.abort().catch(() => undefined);
          throw e;
        }
      } catch (e) {
        throw storageError('write', path, e);
      }
    },
    async openWrite(path, { append }) {
      try {
        const h = await fileHandle(path, true);
        open.set(path, h);
        const { file } = h;
        const w = await file.createWritable({ keepExistingData: append });
        if (append) await w.seek((await file.getFile()).size);
        return w as WritableStream<Uint8Array>;
      } catch (e) {
        throw storageError('open for writing', path, e);
      }
    },
    async move(from, to) {
      const src = open.get(from) ?? (await existing(from));
      open.delete(from);
      if (!src) throw storageError('move', from, new DOMException('missing', 'NotFoundError'));
      const { dirs: parts, name } = splitPath(to);
      let moveError: unknown;
      try {
        const dest = await dirFor(parts, true);
        const movable = src.file as Movable;
        if (typeof movable.move === 'function') {
          try {
            await movable.move(dest, name);
            return;
          } catch (e) {
            // Some folders (or older browsers) refuse a move: fall through to a copy.
            if (storageErrorKind(e) === 'full') throw e;
            moveError = e;
          }
        }
        const out = await (await dest.getFileHandle(name, { create: true })).createWritable();
        await (await src.file.getFile()).stream().pipeTo(out);
        await src.dir.removeEntry(src.name);
      } catch (e) {
        throw storageError('move into place', to, moveError ?? e);
      }
    },
    async remove(path) {
      open.delete(path);
      const h = await existing(path);
      if (!h) return;
      try {
        await h.dir.removeEntry(h.name);
      } catch (e) {
        if (!isAbsent(e)) throw storageError('remove', path, e);
        forgetDirsUnder();
      }
    },
    async openRead(path) {
      const h = await existing(path);
      return h ? ((await h.file.getFile()).stream() as ReadableStream<Uint8Array>) : undefined;
    },
  };
}
