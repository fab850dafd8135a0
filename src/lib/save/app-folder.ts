// The app's own folder at the root of the chosen directory (docs/contract.md, "Overwrite, skip, resume,
// verify"): the manifest, the lock (lock.ts) and the partial files being written.
import { APP_DIR } from '../plan/index.ts';

export { APP_DIR };
export const MANIFEST_PATH = `${APP_DIR}/manifest.json`;
export const PARTIAL_DIR = `${APP_DIR}/partial`;

/** Where a file is written until it is complete and moved to `localPath`. */
export const partialPath = (localPath: string) => `${PARTIAL_DIR}/${localPath}`;
