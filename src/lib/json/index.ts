export { parseJson, parseJsonObject, stringifyJson, lineColumn } from './parse.ts';
export { s3JsonRead, s3JsonWrite } from './s3.ts';
export { readJson, writeJson, safeSegments, type LocalDir } from './local.ts';
export { parseBidsName, entitiesSubset, sidecarCandidates, resolveSidecar, type BidsName, type ResolvedSidecar } from './inherit.ts';
