export * from './types.ts';
export { executePlan, DEFAULT_CONCURRENCY, type ExecuteOptions } from './executor.ts';
export { annotatePlan, decideAction, type AnnotateOptions } from './annotate.ts';
export { readManifest, serializeManifest, type Manifest, type ManifestMeta, type ManifestFile, type ManifestPartial } from './manifest.ts';
export { unsafePathReason, MANIFEST_PATH, PARTIAL_DIR, APP_DIR } from './paths.ts';
export { toSaveTarget } from './target.ts';
export { directoryHandleTarget } from './directory-handle.ts';
export { isSinglePartEtag } from './transfer.ts';
export { zipTarget, zipFileTarget, ZIP_LIMIT_BYTES } from './zip.ts';
export { rememberDirectory, recallDirectory, forgetDirectory, ensureDirectoryAccess, type RecalledDirectory } from './remember.ts';
export {
  awsCliScript,
  s5cmdRunFile,
  s5cmdCommand,
  s3BatchManifestCsv,
  encodeBatchKey,
  curlScript,
  pyAfqScript,
  shellQuote,
  wholeSelection,
  type ExportTarget,
  type PyAfqSelection,
} from './export.ts';
export { secondHostClient } from './hosts.ts';
export { acquireFolderLock, LOCK_PATH, LOCK_STALE_MS, type FolderLock, type LockOptions, type LockRecord } from './lock.ts';
