// The plan contract: what a download will write and where. bids/ builds plans, save/ executes them and the
// exports hand them to other tools; all of them import this folder, and it imports only the key rules of
// s3/keys.ts and slices/ (long loops that pause). tree.ts groups a plan for people to read, with the one
// account of bytes (planned, already there, to fetch) every view shows. Nothing here does I/O.
export type { DownloadOptions, DownloadPlan, PlanEntry, PlanAction, EntityFacet, EntityFilters } from './types.ts';
export { APP_DIR, unsafePathReason, localPathFor } from './local-path.ts';
export { diskName, diskCollisions, refuseDiskCollisions, refuseDiskCollisionSteps } from './collisions.ts';
export { buildPlanTree, buildPlanTreeSliced, visibleRows, planStory, fileState, placeOf, emptyStory, FILE_STATES } from './tree.ts';
export type { ByteStory, Tally, FileState, PlanTree, PlanTreeNode, PlanTreeRow, TreeNodeKind } from './tree.ts';
