// The engine's public API (docs/contract.md, "Engine API"): everything a script or the app needs, nothing
// else. Plain TypeScript, no Svelte; runs in the browser and in Node. Outside src/lib, code imports the
// engine from here (or from a folder's own index.ts where a part loads lazily, as the saver does).
//
// The flow, one folder per step: s3/ lists a study → bids/ indexes the listing (StudyIndex) and plans a
// choice of subjects (select/) and options → plan/ is the contract both sides read → save/ executes a plan
// into a folder, or the exports hand it to other tools. cache/ keeps listings; tsv/, json/ and nifti/ read
// participants.tsv, sidecars and images; errors/ holds the one error type.

export { S3BIDSError, isS3BIDSError, type S3BIDSErrorCode } from './errors/index.ts';

// S3 access (pyAFQ: get_s3_client, _get_matching_s3_keys)
export {
  createS3Client,
  pathStyleOf,
  clientInfo,
  HostPool,
  hostPool,
  awsHosts,
  type HostSpec,
  listKeys,
  listAll,
  listLevel,
  listStudy,
  getObject,
  getObjectBytes,
  getObjectText,
  headObject,
  objectUrl,
  bucketRegion,
  explainNoAnswer,
  AWS_REGIONS,
  awsHostSources,
  type ClientInfo,
  type ObjectInfo,
  type Credentials,
  type S3ClientOptions,
  type StudyListing,
  type ListOptions,
  type ListStudyOptions,
  type ListStudyProgress,
} from './s3/index.ts';
export {
  parseLocation,
  formatLocation,
  PRESETS,
  HBN_POD2_PREFIX,
  OPENNEURO_BUCKET,
  isAwsS3Host,
  type StudyLocation,
  type LocationOverrides,
  type Preset,
} from './s3/location.ts';

// How keys of a study are written (docs/contract.md, "Subjects" and "Keys of a subject")
export { normalisePrefix, joinKey, relativeKey, subjectIdOf, belongsTo, asSubjectId, type Flavour } from './s3/index.ts';

// The study index: what one listing says about a study, and plans for any choice from it
export {
  StudyIndex,
  buildStudyIndex,
  describePipeline,
  keyEntities,
  placeOf,
  type StudyLayout,
  type IndexParts,
  type PipelineSummary,
  type PipelineDescription,
  type SubjectSummary,
  type FacetCount,
  type StudyFacets,
  type KeyEntities,
  type KeyPlace,
  type SubjectKeys,
} from './bids/index.ts';

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
  MODALITY_AGNOSTIC,
  resolveOptions,
  loadGlobMatcher,
  pipelineIncluded,
  topLevelIncluded,
  topLevelTaken,
  ENTITY_FACETS,
  pythonJson,
  downloadPlan,
  planOnDisk,
  type OpenOptions,
  type HBNOpenOptions,
  type HBNSiteName,
  type ModalityAgnosticName,
  type ResolvedOptions,
  type SaveSource,
} from './bids/index.ts';

// A dataset's own words (dataset_description.json, README, CHANGES) and how to cite it
export { parseDatasetDescription, citation, doiUrl, TEXT_CAP_BYTES, type DatasetDescription, type CappedText } from './bids/index.ts';

// The plan contract between planning and saving
export {
  localPathFor,
  unsafePathReason,
  APP_DIR,
  type DownloadOptions,
  type EntityFacet,
  type EntityFilters,
  type DownloadPlan,
  type PlanEntry,
  type PlanAction,
  buildPlanTree,
  buildPlanTreeSliced,
  visibleRows,
  planStory,
  fileState,
  FILE_STATES,
  type ByteStory,
  type Tally,
  type FileState,
  type PlanTree,
  type PlanTreeNode,
  type PlanTreeRow,
} from './plan/index.ts';

// Choosing subjects (numpy-compatible seeded shuffle) and the seed rule
export {
  selectSubjects,
  numpyShuffle,
  drawSeed,
  validateSeed,
  isValidSeed,
  seedFromText,
  compareCodePoints,
  sortCodePoints,
  type Selection,
  type SubjectsSpec,
} from './select/index.ts';

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
export { awsCliScript, s5cmdRunFile, s3BatchManifestCsv, curlScript, pyAfqScript, wholeSelection, type ExportTarget, type PyAfqSelection } from './export/index.ts';
// The export's file name is needed before the export code loads.
export { exportFileName } from './export/folder-name.ts';

// Listing cache
export {
  ListingCache,
  cachedListing,
  refreshListing,
  memoryListingStore,
  type CachedListing,
  type CachedListingOptions,
  type ListingStore,
} from './cache/index.ts';

// participants.tsv
export {
  parseParticipants,
  participantsFromIds,
  parseParticipantsOffThread,
  missingMarkersFromReadme,
  applyFilters,
  sortRows,
  summarise,
  layerCounts,
  barLabels,
  flagMissing,
  type ParticipantsTable,
  type Column,
  type Row,
  type Filter,
  type SortDirection,
  type Summary,
  type NumberSummary,
  type CategorySummary,
} from './tsv/index.ts';

// NIfTI (pyAFQ: s3fs_nifti_read, s3fs_nifti_write)
export {
  readNiftiHeader,
  readNiftiVolume,
  planNiftiVolume,
  s3NiftiWrite,
  encodeNifti,
  type NiftiHeaderInfo,
  type NiftiVolume,
  type VolumePlan,
} from './nifti/index.ts';

// JSON sidecars (pyAFQ: s3fs_json_read, s3fs_json_write) and BIDS inheritance; parseBidsName is the one BIDS file-name parser
export {
  s3JsonRead,
  s3JsonWrite,
  readJson,
  writeJson,
  parseJson,
  parseJsonObject,
  stringifyJson,
  resolveSidecar,
  parseBidsName,
  type BidsName,
  type ResolvedSidecar,
  type LocalDir,
} from './json/index.ts';

// Pausing long work so the page stays responsive (src/lib/slices).
export { nextTask } from './slices/index.ts';
