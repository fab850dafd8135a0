// BIDS rules and pyAFQ's study model. The study index (study-index.ts) reads a listing once: where each
// key sits (layout.ts), its entities (entities.ts), subjects, sessions, pipelines; it plans any choice of
// subjects and options (filters.ts turns options into filters, planner.ts writes the plan). S3BIDSStudy,
// S3BIDSSubject (study.ts) and HBNSite (hbn.ts) keep pyAFQ's names as a front over the index.
// Depends on s3/, select/, tsv/, json/ (the BIDS name parser), plan/, slices/ and errors/; on save/ only lazily,
// to save a plan (download.ts). Nothing here imports the app.
export type { DownloadOptions, DownloadPlan, PlanEntry, PlanAction, EntityFacet, EntityFilters } from '../plan/index.ts';
export { localPathFor, unsafePathReason } from '../plan/index.ts';
export { S3BIDSStudy, S3BIDSSubject, type OpenOptions } from './study.ts';
export { HBNSite, HBNSubject, HBN_SITES, HBN_BUCKET, HBN_PREFIX, type HBNOpenOptions, type HBNSiteName } from './hbn.ts';
export { lsStudy, topLevelFrom, type TopLevel } from '../s3/top-level.ts';
export { normalisePrefix, joinKey, relativeKey, subjectIdOf, belongsTo, asSubjectId } from '../s3/keys.ts';
export { loadGlobMatcher, resolveOptions, pipelineIncluded, topLevelIncluded, topLevelTaken, entitiesKept, MODALITY_AGNOSTIC, type ModalityAgnosticName, type ResolvedOptions } from './filters.ts';
export { buildPlan, pythonJson, hbnDatasetDescription, type PlanSource } from './planner.ts';
export { keyEntities, facetValue, ENTITY_FACETS, type KeyEntities } from './entities.ts';
export { parseDatasetDescription, citation, doiUrl, TEXT_CAP_BYTES, type DatasetDescription, type CappedText } from './description.ts';
export {
  StudyIndex,
  buildStudyIndex,
  describePipeline,
  type StudyLayout,
  type IndexParts,
  type PipelineSummary,
  type PipelineDescription,
  type SubjectSummary,
  type FacetCount,
  type StudyFacets,
} from './study-index.ts';
export { downloadPlan, planOnDisk, type SaveSource } from './download.ts';
export { placeOf, pipelinesIn, assignKeys, pipelineFiles, type Flavour, type SubjectKeys, type KeyPlace } from './layout.ts';
