// The plan contract: what a download will write and where. bids/ builds plans, save/ executes them and
// the exports hand them to other tools; all of them import this folder, and it imports only the key
// rules of s3/keys.ts. Nothing here does I/O.
export type { DownloadOptions, DownloadPlan, PlanEntry, PlanAction, EntityFacet, EntityFilters } from './types.ts';
export { APP_DIR, unsafePathReason, localPathFor } from './local-path.ts';
export { diskName, diskCollisions, refuseDiskCollisions } from './collisions.ts';
