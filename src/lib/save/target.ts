import { S3BIDSError } from '../errors/index.ts';
import { directoryHandleTarget } from './directory-handle.ts';
import type { DirectoryTarget, SaveTarget } from './types.ts';

const NODE_FOLDER = './node-folder.ts';

const isSaveTarget = (d: unknown): d is SaveTarget =>
  typeof d === 'object' && d !== null && typeof (d as SaveTarget).openWrite === 'function' && 'kind' in d;

/** The SaveTarget for what the caller chose: a Node path, a browser folder handle, or a ready target. */
export async function toSaveTarget(dir: DirectoryTarget): Promise<SaveTarget> {
  if (isSaveTarget(dir)) return dir;
  if (typeof dir === 'string') {
    if (typeof process === 'undefined' || !process.versions?.node)
      throw new S3BIDSError('InvalidOption', 'A folder path only works in Node; in the browser, choose a folder.');
    // Loaded by a name bundlers do not follow, so node:fs never enters a browser bundle (not even as a stub).
    const { nodeFolderTarget } = (await import(/* @vite-ignore */ NODE_FOLDER)) as typeof import('./node-folder.ts');
    return nodeFolderTarget(dir);
  }
  if (typeof dir === 'object' && dir !== null && (dir as FileSystemDirectoryHandle).kind === 'directory')
    return directoryHandleTarget(dir as FileSystemDirectoryHandle);
  throw new S3BIDSError('InvalidOption', 'The save target must be a folder path (Node) or a folder handle (browser).');
}
