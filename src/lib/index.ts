// The engine's public API (SPEC §2): everything a script or the app needs, nothing else.
// Plain TypeScript, no Svelte; runs in the browser and in Node.

export { S3BIDSError, isS3BIDSError, type S3BIDSErrorCode } from './errors/index.ts';

// S3 access (pyAFQ: get_s3_client, _get_matching_s3_keys)
export {
  createS3Client,
  listKeys,
  listAll,
  listLevel,
  listStudy,
  getObject,
  getObjectBytes,
  getObjectText,
  headObject,
  objectUrl,
  type ObjectInfo,
  type Credentials,
  type S3ClientOptions,
  type StudyListing,
  type ListOptions,
  type ListStudyOptions,
  type ListStudyProgress,
} from './s3/index.ts';
export { parseLocation, PRESETS, type StudyLocation, type Preset } from './s3/location.ts';

// The study model (pyAFQ: S3BIDSStudy, S3BIDSSubject, HBNSite, HBNSubject, _ls_s3fs)
export {
  S3BIDSStudy,
  S3BIDSSubject,
  HBNSite,
  HBNSubject,
  HBN_SITES,
  HBN_BUCKET,
  HBN_PREFIX,
  lsStudy,
  normalisePrefix,
  localPathFor,
  MODALITY_AGNOSTIC,
  type OpenOptions,
  type HBNOpenOptions,
  type DownloadOptions,
  type DownloadPlan,
  type PlanEntry,
  type PlanAction,
} from './bids/index.ts';

// Choosing subjects (numpy-compatible seeded shuffle)
export { selectSubjects, numpyShuffle, drawSeed, type Selection, type SubjectsSpec } from './select/index.ts';

// Saving
export {
  executePlan,
  annotatePlan,
  toSaveTarget,
  readManifest,
  zipFileTarget,
  ZIP_LIMIT_BYTES,
  rememberDirectory,
  recallDirectory,
  ensureDirectoryAccess,
  forgetDirectory,
  type SaveTarget,
  type DirectoryTarget,
  type DownloadProgress,
  type DownloadControl,
  type DownloadReport,
  type Manifest,
} from './save/index.ts';

// Handing a selection to bulk tools (AWS CLI, s5cmd, S3 Batch Operations, curl, pyAFQ)
export { awsCliScript, s5cmdRunFile, s3BatchManifestCsv, curlScript, pyAfqScript, wholeSelection, type ExportTarget, type PyAfqSelection } from './save/index.ts';

// Listing cache
export { ListingCache, cachedListing, type CachedListing } from './cache/index.ts';

// participants.tsv
export {
  parseParticipants,
  applyFilters,
  sortRows,
  summarise,
  flagMissing,
  type ParticipantsTable,
  type Column,
  type Row,
  type Filter,
  type Summary,
} from './tsv/index.ts';

// NIfTI (pyAFQ: s3fs_nifti_read, s3fs_nifti_write)
export { readNiftiHeader, readNiftiVolume, planNiftiVolume, s3NiftiWrite, encodeNifti, type NiftiHeaderInfo, type VolumePlan } from './nifti/index.ts';

// JSON sidecars (pyAFQ: s3fs_json_read, s3fs_json_write) and BIDS inheritance
export { s3JsonRead, s3JsonWrite, readJson, writeJson, resolveSidecar, parseBidsName, type ResolvedSidecar, type LocalDir } from './json/index.ts';

// ---- For the app (src/state, src/components): engine functions and types it reaches only through this file.
export { type LocationOverrides } from './s3/location.ts';
export { refreshListing, memoryListingStore } from './cache/index.ts';
export { joinKey, relativeKey, placeOf, pipelineIncluded } from './bids/index.ts';
export { validateSeed } from './select/index.ts';
export { type SortDirection } from './tsv/index.ts';
export { parseJsonObject, stringifyJson } from './json/index.ts';
export { type NiftiVolume } from './nifti/index.ts';
