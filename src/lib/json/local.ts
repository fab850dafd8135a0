import { S3BIDSError } from '../errors/index.ts';
import { parseJson, stringifyJson } from './parse.ts';

/** A local folder: the user's picked directory (or OPFS) in the browser, a plain path in Node. */
export type LocalDir = string | FileSystemDirectoryHandle;

type NodeFs = typeof import('node:fs/promises');
type NodePath = typeof import('node:path');

// Variable specifiers keep Vite from trying to bundle Node built-ins into the browser app.
async function node(): Promise<{ fs: NodeFs; path: NodePath }> {
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  const [fs, path] = await Promise.all([import(/* @vite-ignore */ fsName), import(/* @vite-ignore */ pathName)]);
  return { fs: fs as NodeFs, path: path as NodePath };
}

/** Splits a relative `/`-separated path, refusing anything that could leave the folder. */
export function safeSegments(relPath: string): string[] {
  const segs = relPath.split('/');
  const bad = (s: string) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0') || /^[A-Za-z]:$/.test(s);
  if (relPath.startsWith('/') || segs.some(bad))
    throw new S3BIDSError('UnsafePath', `"${relPath}" is not a plain relative path inside the chosen folder.`);
  return segs;
}

async function dirHandle(root: FileSystemDirectoryHandle, segs: string[], create: boolean): Promise<FileSystemDirectoryHandle> {
  let d = root;
  for (const s of segs) d = await d.getDirectoryHandle(s, { create });
  return d;
}

function storageError(e: unknown, where: string, action: string): S3BIDSError {
  const name = (e as { name?: string; code?: string })?.name;
  const code = (e as { code?: string })?.code;
  if (name === 'NotFoundError' || code === 'ENOENT' || code === 'ENOTDIR')
    return new S3BIDSError('NotFound', `${where} does not exist in the chosen folder.`, { cause: e });
  return new S3BIDSError('Storage', `Could not ${action} ${where}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

/** Reads and parses a JSON file in a local folder. */
export async function readJson(dir: LocalDir, relPath: string): Promise<unknown> {
  const segs = safeSegments(relPath);
  let text: string;
  try {
    if (typeof dir === 'string') {
      const { fs, path } = await node();
      text = await fs.readFile(path.join(dir, ...segs), 'utf8');
    } else {
      const d = await dirHandle(dir, segs.slice(0, -1), false);
      text = await (await (await d.getFileHandle(segs.at(-1)!)).getFile()).text();
    }
  } catch (e) {
    throw storageError(e, relPath, 'read');
  }
  return parseJson(text, relPath);
}

/**
 * Writes JSON to a local folder, creating parent folders. The file changes all at once: a temporary
 * file renamed over it in Node; in the browser `createWritable` writes a swap file committed on close.
 */
export async function writeJson(dir: LocalDir, relPath: string, data: unknown): Promise<void> {
  const segs = safeSegments(relPath);
  const text = stringifyJson(data);
  try {
    if (typeof dir === 'string') {
      const { fs, path } = await node();
      const target = path.join(dir, ...segs);
      await fs.mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
      try {
        await fs.writeFile(tmp, text, 'utf8');
        await fs.rename(tmp, target);
      } catch (e) {
        await fs.rm(tmp, { force: true }).catch(() => {});
        throw e;
      }
    } else {
      const d = await dirHandle(dir, segs.slice(0, -1), true);
      const w = await (await d.getFileHandle(segs.at(-1)!, { create: true })).createWritable();
      try {
        await w.write(text);
        await w.close();
      } catch (e) {
        await w.abort().catch(() => {});
        throw e;
      }
    }
  } catch (e) {
    throw storageError(e, relPath, 'save');
  }
}
