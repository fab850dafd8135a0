import { APP_DIR, unsafePathReason } from '../plan/index.ts';

export { APP_DIR, unsafePathReason };
export const MANIFEST_PATH = `${APP_DIR}/manifest.json`;
export const PARTIAL_DIR = `${APP_DIR}/partial`;

export const partialPath = (localPath: string) => `${PARTIAL_DIR}/${localPath}`;

/** The folders and file name of a safe relative path. */
export function splitPath(localPath: string): { dirs: string[]; name: string } {
  const parts = localPath.split('/');
  const name = parts.pop() ?? '';
  return { dirs: parts, name };
}
