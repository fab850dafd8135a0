// Saving a plan into a folder: the executor (a pool of streamed, resumed, verified transfers), the folder
// targets (a browser folder handle or OPFS, a Node folder, a streamed ZIP) with one reading of their
// storage errors, the folder's manifest and lock, and the remembered folder. Loaded on demand by the app.
// May depend on the plan contract (DownloadPlan, PlanEntry, the safe-path rule), s3/ and errors/; never on bids/.
export * from './types.ts';
export { executePlan, DEFAULT_CONCURRENCY, type ExecuteOptions } from './executor.ts';
export { annotatePlan, decideAction, type AnnotateOptions } from './annotate.ts';
export { readManifest, serializeManifest, type Manifest, type ManifestMeta, type ManifestFile, type ManifestPartial } from './manifest.ts';
export { unsafePathReason } from '../plan/index.ts';
export { MANIFEST_PATH, PARTIAL_DIR, APP_DIR } from './app-folder.ts';
export { toSaveTarget } from './target.ts';
export { directoryHandleTarget } from './directory-handle.ts';
export { isSinglePartEtag, METHOD_NAMES } from './verify.ts';
export { zipTarget, zipFileTarget, ZIP_LIMIT_BYTES } from './zip.ts';
export { rememberDirectory, recallDirectory, forgetDirectory, ensureDirectoryAccess, type RecalledDirectory } from './remember.ts';
export { acquireFolderLock, LOCK_PATH, LOCK_STALE_MS, type FolderLock, type LockOptions, type LockRecord } from './lock.ts';
