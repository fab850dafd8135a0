// The app's side effects, in one place: S3 clients, the listing cache, the folder picker and what the
// browser remembers of it, and ZIP files. State classes receive a Services, so tests hand them moto and
// in-memory stores; the engine's pure functions are imported where they are used, not passed through here.
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ListingCache,
  cachedListing,
  createS3Client,
  refreshListing,
  type CachedListing,
  type Credentials,
  type ListStudyProgress,
  type SaveTarget,
  type StudyListing,
  type StudyLocation,
} from '../lib/index.ts';

/**
 * The saver loads on first use: browsing a study does not need it. Importing it through its own index
 * keeps it out of the first page load (package.json's `sideEffects` lets the build drop what
 * src/lib/index.ts re-exports from it).
 */
export const loadSaver = () => import('../lib/save/index.ts');

export interface ListingRequest {
  signal?: AbortSignal;
  onTopLevel?: (partial: StudyListing) => void;
  onProgress?: (p: ListStudyProgress) => void;
  /** Skip the cached copy and list from S3 now. */
  refresh?: boolean;
}

export interface RecalledFolder {
  handle: FileSystemDirectoryHandle;
  name: string;
  permission: PermissionState;
}

export interface Services {
  createClient(loc: StudyLocation, credentials?: Credentials): S3Client;
  /** The listing: a cached copy at once when there is one, and the fresh one. */
  listing(client: S3Client, loc: StudyLocation, req: ListingRequest): Promise<CachedListing>;
  clearCache(): Promise<void>;
  /** Picks a folder (the File System Access API's picker), or undefined where the browser has none. */
  pickFolder?: () => Promise<FileSystemDirectoryHandle>;
  /** The picked folder, kept in IndexedDB so a later visit can resume into it. */
  rememberFolder(handle: FileSystemDirectoryHandle): Promise<void>;
  recallFolder(): Promise<RecalledFolder | undefined>;
  /** Asks for write permission (from a click) and checks the folder still exists. */
  ensureFolderAccess(handle: FileSystemDirectoryHandle): Promise<FileSystemDirectoryHandle>;
  /** A streamed ZIP saved as one file, for browsers without a folder picker. */
  zipTarget(fileName: string): Promise<SaveTarget>;
}

export function createServices(opts: { cache?: ListingCache; pickFolder?: () => Promise<FileSystemDirectoryHandle> } = {}): Services {
  const cache = opts.cache ?? new ListingCache();
  return {
    createClient: (loc, credentials) =>
      createS3Client({
        ...(credentials ? { credentials, anon: false } : { anon: true }),
        ...(loc.region ? { region: loc.region } : {}),
        ...(loc.endpoint ? { endpoint: loc.endpoint } : {}),
        ...(loc.mirrors?.length ? { mirrors: loc.mirrors } : {}),
        ...(loc.forcePathStyle !== undefined ? { forcePathStyle: loc.forcePathStyle } : {}),
        // Requester pays counts only on signed requests: without credentials the bucket refuses, and the
        // problem offers "Add credentials" (docs/real-s3.md, "Requester pays").
        ...(loc.requesterPays && credentials ? { requesterPays: true } : {}),
      }),
    async listing(client, loc, req) {
      const o = { cache, ...req };
      if (req.refresh) {
        const listing = refreshListing(client, loc.bucket, loc.prefix, o);
        return { cached: undefined, fresh: listing.then((l) => ({ listing: l, changed: false })) };
      }
      return cachedListing(client, loc.bucket, loc.prefix, o);
    },
    clearCache: () => cache.clear(),
    rememberFolder: async (handle) => (await loadSaver()).rememberDirectory(handle),
    recallFolder: async () => (await loadSaver()).recallDirectory(),
    ensureFolderAccess: async (handle) => (await loadSaver()).ensureDirectoryAccess(handle, { request: true }),
    zipTarget: async (fileName) => (await loadSaver()).zipFileTarget(fileName),
    ...(opts.pickFolder ? { pickFolder: opts.pickFolder } : {}),
  };
}
