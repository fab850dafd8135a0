// JSON sidecars: parsing with line and column in errors, BIDS inheritance, reading and writing on S3 and
// in a local folder (through save/'s folder targets). May depend on s3/, errors/ and save/'s targets.
export { parseJson, parseJsonObject, stringifyJson, lineColumn } from './parse.ts';
export { s3JsonRead, s3JsonWrite } from './s3.ts';
export { readJson, writeJson, safeSegments, type LocalDir } from './local.ts';
export { parseBidsName, entitiesSubset, sidecarCandidates, resolveSidecar, type BidsName, type ResolvedSidecar } from './inherit.ts';
