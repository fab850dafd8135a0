// A folder on a Node file system. Loaded only through a dynamic import, so browser bundles never see node:fs.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { S3BIDSError } from '../errors/index.ts';
import { isAbsent, targetStorageError } from './storage-errors.ts';
import type { SaveTarget } from './types.ts';

const storageError = (what: string, path: string, cause: unknown) => targetStorageError('node', what, path, cause);

export function nodeFolderTarget(root: string): SaveTarget {
  const base = resolve(root);
  const abs = (p: string) => {
    const full = resolve(base, ...p.split('/'));
    // Belt and braces: paths are validated before they get here.
    if (full !== base && !full.startsWith(base + sep)) throw new S3BIDSError('UnsafePath', `"${p}" would leave the folder.`);
    return full;
  };
  // The folder is created on the first write, as pyAFQ's makedirs does; once seen, it is never made
  // again: sub-folders are made one level at a time (never recursively from the root), so a folder moved
  // or deleted mid-run fails the next write with ENOENT and stops the run, instead of quietly coming back
  // without the files saved before.
  let rootSeen = false;
  const makeParents = async (full: string) => {
    if (!rootSeen) {
      await mkdir(base, { recursive: true });
      rootSeen = true;
    }
    const parts = dirname(full).slice(base.length).split(sep).filter(Boolean);
    let dir = base;
    for (const part of parts) {
      dir = join(dir, part);
      try {
        await mkdir(dir);
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
    }
    if (parts.length === 0) await stat(base);
  };
  return {
    kind: 'node',
    async stat(p) {
      try {
        const s = await stat(abs(p));
        return s.isFile() ? { size: s.size } : undefined;
      } catch {
        return undefined;
      }
    },
    async readText(p) {
      const full = abs(p);
      try {
        return await readFile(full, 'utf8');
      } catch (e) {
        // No file there is an answer; a file that cannot be read is a failure, as in a browser folder.
        if (isAbsent(e)) return undefined;
        throw storageError('read', p, e);
      }
    },
    async writeText(p, text) {
      const full = abs(p);
      // Unique per write: two writes of one file at once must not share a temporary file.
      const tmp = `${full}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
      try {
        await makeParents(full);
        await writeFile(tmp, text);
        await rename(tmp, full);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw storageError('write', p, e);
      }
    },
    async openWrite(p, { append }) {
      const full = abs(p);
      try {
        await makeParents(full);
      } catch (e) {
        throw storageError('create the folder for', p, e);
      }
      return Writable.toWeb(createWriteStream(full, { flags: append ? 'a' : 'w' })) as WritableStream<Uint8Array>;
    },
    async move(from, to) {
      try {
        await makeParents(abs(to));
        await rename(abs(from), abs(to));
      } catch (e) {
        throw storageError('move into place', to, e);
      }
    },
    async remove(p) {
      await rm(abs(p), { force: true });
    },
    async openRead(p) {
      try {
        if (!(await stat(abs(p))).isFile()) return undefined;
      } catch {
        return undefined;
      }
      return Readable.toWeb(createReadStream(abs(p))) as unknown as ReadableStream<Uint8Array>;
    },
  };
}
