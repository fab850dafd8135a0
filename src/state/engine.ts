// The one place the app's state meets the engine. State classes receive an Engine, so tests can hand
// them the real engine pointed at moto, and nothing in src/components imports src/lib for behaviour.
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, getObjectText } from '../lib/s3/index.ts';
import type { Credentials, StudyListing } from '../lib/s3/types.ts';
import type { StudyLocation } from '../lib/s3/location.ts';
import { ListingCache, cachedListing, refreshListing, type CachedListing } from '../lib/cache/index.ts';
import type { ListStudyProgress } from '../lib/s3/list-study.ts';
import { selectSubjects, drawSeed, type Selection, type SubjectsSpec } from '../lib/select/index.ts';
import { parseParticipants, applyFilters, sortRows, summarise, flagMissing } from '../lib/tsv/index.ts';
import type { ParticipantsTable, Filter, Summary, SortDirection } from '../lib/tsv/index.ts';
import { S3BIDSStudy, HBNSite } from '../lib/bids/index.ts';
import type { DownloadOptions, DownloadPlan } from '../lib/index.ts';
import type { DirectoryTarget, DownloadControl, DownloadReport, SaveTarget } from '../lib/save/types.ts';

// The saver loads on first use: browsing a study does not need it.
const saver = () => import('../lib/save/index.ts');

/** What the app needs of a study model (SPEC §2's S3BIDSStudy). */
export interface StudyModel {
  allSubjects: string[];
  derivativeTypes: string[];
  randomSeed: number;
  plan(opts: DownloadOptions, dir?: DirectoryTarget): Promise<DownloadPlan>;
  download(dir: DirectoryTarget, opts: DownloadOptions, ctl?: DownloadControl): Promise<DownloadReport>;
}

export interface ListingRequest {
  signal?: AbortSignal;
  onTopLevel?: (partial: StudyListing) => void;
  onProgress?: (p: ListStudyProgress) => void;
  /** Skip the cached copy and list from S3 now. */
  refresh?: boolean;
}

export interface Engine {
  createClient(loc: StudyLocation, credentials?: Credentials): S3Client;
  /** The listing: a cached copy at once when there is one, and the fresh one. */
  listing(client: S3Client, loc: StudyLocation, req: ListingRequest): Promise<CachedListing>;
  clearCache(): Promise<void>;
  /** A study model over a listing, for the given subjects. */
  openStudy(client: S3Client, loc: StudyLocation, listing: StudyListing, subjects: string[] | 'all', seed?: number): Promise<StudyModel>;
  readText(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<string>;
  parseParticipants(text: string, sidecar?: unknown): ParticipantsTable;
  applyFilters(table: ParticipantsTable, filters: Filter[]): number[];
  sortRows(table: ParticipantsTable, column: string, dir: SortDirection, rows?: number[]): number[];
  summarise(table: ParticipantsTable, column: string): Summary;
  flagMissing(table: ParticipantsTable, subjectsOnS3: string[]): string[];
  selectSubjects(all: readonly string[], spec: SubjectsSpec, seed?: number): Selection;
  drawSeed(): number;
  /** Picks a folder (the File System Access API's picker), or undefined where the browser has none. */
  pickFolder?: () => Promise<FileSystemDirectoryHandle>;
  /** The picked folder, kept in IndexedDB so a later visit can resume into it. */
  rememberFolder(handle: FileSystemDirectoryHandle): Promise<void>;
  recallFolder(): Promise<{ handle: FileSystemDirectoryHandle; name: string; permission: PermissionState } | undefined>;
  /** Asks for write permission (from a click) and checks the folder still exists. */
  ensureFolderAccess(handle: FileSystemDirectoryHandle): Promise<FileSystemDirectoryHandle>;
  /** A streamed ZIP saved as one file, for browsers without a folder picker; and its size limit. */
  zipTarget(fileName: string): Promise<SaveTarget>;
  zipLimitBytes: number;
}

export function createEngine(opts: { cache?: ListingCache; pickFolder?: () => Promise<FileSystemDirectoryHandle> } = {}): Engine {
  const cache = opts.cache ?? new ListingCache();
  return {
    createClient: (loc, credentials) =>
      createS3Client({
        ...(credentials ? { credentials, anon: false } : { anon: true }),
        ...(loc.region ? { region: loc.region } : {}),
        ...(loc.endpoint ? { endpoint: loc.endpoint } : {}),
        ...(loc.forcePathStyle !== undefined ? { forcePathStyle: loc.forcePathStyle } : {}),
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
    async openStudy(client, loc, listing, subjects, seed) {
      const common = { subjects, client, listing, ...(seed !== undefined ? { randomSeed: seed } : {}) };
      if (loc.flavour === 'hbn' && loc.site)
        return HBNSite.open({ site: loc.site, ...common }) as unknown as Promise<StudyModel>;
      return S3BIDSStudy.open({ studyId: loc.studyId, bucket: loc.bucket, s3Prefix: loc.prefix, ...common }) as unknown as Promise<StudyModel>;
    },
    readText: (client, bucket, key, signal) => getObjectText(client, bucket, key, signal ? { signal } : {}),
    parseParticipants: (text, sidecar) => parseParticipants(text, sidecar),
    applyFilters: (table, filters) => applyFilters(table, filters),
    sortRows: (table, column, dir, rows) => sortRows(table, column, dir, rows),
    summarise: (table, column) => summarise(table, column),
    flagMissing: (table, subjects) => flagMissing(table, subjects),
    selectSubjects: (all, spec, seed) => selectSubjects(all, spec, seed),
    drawSeed: () => drawSeed(),
    rememberFolder: async (handle) => (await saver()).rememberDirectory(handle),
    recallFolder: async () => (await saver()).recallDirectory(),
    ensureFolderAccess: async (handle) => (await saver()).ensureDirectoryAccess(handle, { request: true }),
    zipTarget: async (fileName) => (await saver()).zipFileTarget(fileName),
    zipLimitBytes: 2 * 1024 ** 3,
    ...(opts.pickFolder ? { pickFolder: opts.pickFolder } : {}),
  };
}
