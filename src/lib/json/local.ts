// JSON sidecars in a local folder, read and written through the saver's folder targets (save/target.ts):
// a Node path and a browser folder behave here as they do when saving a study.
import { S3BIDSError, isS3BIDSError } from '../errors/index.ts';
import { storageErrorKind } from '../save/storage-errors.ts';
import { recordLocalEdit } from '../save/manifest.ts';
import { toSaveTarget } from '../save/target.ts';
import { parseJson, stringifyJson } from './parse.ts';

/** A local folder: the user's picked directory (or OPFS) in the browser, a plain path in Node. */
export type LocalDir = string | FileSystemDirectoryHandle;

/** Splits a relative `/`-separated path, refusing anything that could leave the folder. */
export function safeSegments(relPath: string): string[] {
  const segs = relPath.split('/');
  const bad = (s: string) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0') || /^[A-Za-z]:$/.test(s);
  if (relPath.startsWith('/') || segs.some(bad))
    throw new S3BIDSError('UnsafePath', `"${relPath}" is not a plain relative path inside the chosen folder.`);
  return segs;
}

const notFound = (where: string, cause?: unknown) =>
  new S3BIDSError('NotFound', `${where} does not exist in the chosen folder.`, cause === undefined ? {} : { cause });

/** The folder target's error, in the words of a sidecar: missing, or the file system's own message. */
function localError(e: unknown, where: string, action: string): S3BIDSError {
  if (isS3BIDSError(e) && e.code !== 'Storage') return e;
  const cause = isS3BIDSError(e, 'Storage') && e.cause !== undefined ? e.cause : e;
  if (storageErrorKind(cause) === 'missing') return notFound(where, cause);
  return new S3BIDSError('Storage', `Could not ${action} ${where}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
}

/** Reads and parses a JSON file in a local folder. */
export async function readJson(dir: LocalDir, relPath: string): Promise<unknown> {
  safeSegments(relPath);
  let text: string | undefined;
  try {
    text = await (await toSaveTarget(dir)).readText(relPath);
  } catch (e) {
    throw localError(e, relPath, 'read');
  }
  if (text === undefined) throw notFound(relPath);
  return parseJson(text, relPath);
}

/**
 * Writes JSON to a local folder, creating parent folders. The file changes all at once (the folder
 * target writes a temporary file renamed over it in Node, a swap file committed on close in the browser).
 */
export async function writeJson(dir: LocalDir, relPath: string, data: unknown): Promise<void> {
  safeSegments(relPath);
  const text = stringifyJson(data);
  const target = await toSaveTarget(dir);
  try {
    await target.writeText(relPath, text);
  } catch (e) {
    throw localError(e, relPath, 'save');
  }
  // A file the app saved from S3 and the user then edited here is a local edit: a later save keeps it.
  await recordLocalEdit(target, relPath).catch(() => undefined);
}
