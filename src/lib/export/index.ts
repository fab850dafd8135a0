// Hands a selection to bulk tools: AWS CLI, s5cmd, S3 Batch Operations, curl, or pyAFQ itself.
// Takes a DownloadPlan and the study's location and selection as plain data; may depend on the plan
// contract (the plan types and the safe-path rule), s3/ and errors/; never on bids/'s study model or save/'s saver.
// Loaded on demand by the app (the export dialog).
export { exportText, wholeStudyExport, type ExportFormat, type ExportRequest } from './formats.ts';
export { awsCliScript, s5cmdRunFile, type ListedObject, s5cmdCommand, curlScript, shellQuote, type ExportTarget } from './shell-scripts.ts';
export { s3BatchManifestCsv, encodeBatchKey } from './s3-batch.ts';
export { pyAfqScript, type PyAfqSelection } from './pyafq.ts';
export { wholeSelection } from './selection.ts';
export { exportFileName, studyFolderName } from './folder-name.ts';
export { fnmatchRegExp, awsFiltersSelect, syncFilters, subjectFolderOf, type AwsFilter } from './aws-filters.ts';
