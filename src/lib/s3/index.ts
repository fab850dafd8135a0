// S3 access: the client, listing (one level, whole prefix, a whole study in parallel, pyAFQ's per-subject
// way), objects, location parsing, and the rules for how a study's keys are written (keys.ts).
// Depends on errors/ and select/ (code point order) only. In the page the AWS SDK reads S3's XML with its own
// scanner rather than the browser's DOM parser, five times cheaper for the main thread (vite.config.ts).
export * from './types.ts';
export { createS3Client, pathStyleOf, clientInfo, objectUrl, encodeKey, bucketRegion, siblingClient, type ClientInfo } from './client.ts';
export { HostPool, hostPool, hostsFor, awsHosts, isNoAnswer, type HostSpec, type Lease } from './host-pool.ts';
export { explainNoAnswer } from './reach.ts';
export { listKeys, listAll, listLevel, stripEtag, type ListOptions, type Level } from './list.ts';
export { getObject, getObjectBytes, getObjectText, headObject, CHECKSUM_ALGORITHMS, type ObjectBody, type GetOptions, type ChecksumAlgorithm } from './object.ts';
export { assertBucketName } from './bucket-name.ts';
export { AWS_REGIONS, awsHostSources } from './aws-hosts.ts';
export { errorFromStatus, networkError, toS3BIDSError } from './errors.ts';
export { listStudy, compareKeys, type ListStudyOptions, type ListStudyProgress } from './list-study.ts';
export { normalisePrefix, joinKey, below, relativeKey, firstSegment, subjectIdOf, belongsTo, asSubjectId, type Flavour } from './keys.ts';
export { putObjectBytes, requireCredentials } from './put.ts';
export { lsStudy, listTopLevel, topLevelFrom, topLevelFromListing, type TopLevel } from './top-level.ts';
export { listSubjects, type SubjectsListing } from './list-subjects.ts';
