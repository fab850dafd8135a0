import type { S3Client } from '@aws-sdk/client-s3';
import { clientInfo } from '../s3/client.ts';
import { normalisePrefix } from '../s3/keys.ts';
import { listStudy, type ListStudyOptions } from '../s3/list-study.ts';
import type { ObjectInfo, StudyListing } from '../s3/types.ts';
import { defaultListingStore, type ListingStore } from './store.ts';
import { nextTask } from '../slices/index.ts';

/** Bumped when the stored shape changes; older records are ignored, never misread. */
const VERSION = 2;

/** One key as stored: key, size, ETag and, when the listing gave it, the time. */
type Row = [string, number, string] | [string, number, string, string];

interface Record2 {
  version: typeof VERSION;
  /** ISO time the record was written. */
  savedAt: string;
  /** The listing without its keys. */
  listing: StudyListing;
  /**
   * The keys, as JSON text of `Row`s, `CHUNK` keys per text: a few strings are stored and read at once,
   * where tens of thousands of objects would hold the page's main thread while IndexedDB copies them.
   */
  keys: string[];
}

/** Keys per stored text: written or read in a few ms each, with other tasks let in between (src/lib/slices). */
const CHUNK = 5000;

const toRow = (o: ObjectInfo): Row => (o.lastModified !== undefined ? [o.key, o.size, o.etag, o.lastModified] : [o.key, o.size, o.etag]);
const fromRow = (r: Row): ObjectInfo => (r.length === 4 ? { key: r[0], size: r[1], etag: r[2], lastModified: r[3] } : { key: r[0], size: r[1], etag: r[2] });

export interface CachedCopy {
  listing: StudyListing;
  savedAt: string;
}

export type CacheWarning = (message: string, cause: unknown) => void;

/**
 * An endpoint as it may be stored: no user name, password, query or fragment, which is where a
 * secret could hide in a URL someone pasted.
 */
export function safeEndpoint(endpoint: string | undefined): string {
  if (!endpoint || endpoint === 'aws') return 'aws';
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return endpoint.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

/** The cache key: endpoint + bucket + normalised prefix. Holds nothing secret. */
export function listingCacheKey(endpoint: string | undefined, bucket: string, prefix: string): string {
  return JSON.stringify([safeEndpoint(endpoint), bucket, normalisePrefix(prefix)]);
}

const sameObject = (a: ObjectInfo, b: ObjectInfo) => a.key === b.key && a.size === b.size && a.etag === b.etag;

/** Whether two listings differ in any key, size or ETag (the time of listing does not count). */
export function listingChanged(a: StudyListing, b: StudyListing): boolean {
  if (a.keys.length !== b.keys.length || a.topFolders.length !== b.topFolders.length) return true;
  for (let i = 0; i < a.keys.length; i++) if (!sameObject(a.keys[i]!, b.keys[i]!)) return true;
  return a.topFolders.some((f, i) => f !== b.topFolders[i]);
}

/**
 * Listings per endpoint + bucket + prefix. Every storage failure (quota, IndexedDB unavailable or
 * blocked) becomes a warning: the app then simply works without a cache.
 */
export class ListingCache {
  readonly store: ListingStore;
  private readonly warn: CacheWarning;

  constructor(opts: { store?: ListingStore; onWarning?: CacheWarning } = {}) {
    this.store = opts.store ?? defaultListingStore();
    this.warn = opts.onWarning ?? ((m, cause) => console.warn(m, cause));
  }

  async get(endpoint: string | undefined, bucket: string, prefix: string): Promise<CachedCopy | undefined> {
    try {
      const rec = (await this.store.get(listingCacheKey(endpoint, bucket, prefix))) as Record2 | undefined;
      if (!rec || rec.version !== VERSION || !Array.isArray(rec.keys) || typeof rec.listing !== 'object') return undefined;
      const keys: ObjectInfo[] = [];
      for (const [i, text] of rec.keys.entries()) {
        if (i > 0) await nextTask();
        for (const r of JSON.parse(text) as Row[]) keys.push(fromRow(r));
      }
      return { listing: { ...rec.listing, keys }, savedAt: rec.savedAt };
    } catch (e) {
      this.warn('The listing cache could not be read; listing from S3 instead.', e);
      return undefined;
    }
  }

  /** Stores a listing; false when storage refused it (e.g. over quota). */
  async put(listing: StudyListing): Promise<boolean> {
    const endpoint = safeEndpoint(listing.endpoint);
    // Only the listing's own fields: nothing else a caller attached (a client, credentials) is kept.
    const clean: StudyListing = {
      endpoint,
      bucket: listing.bucket,
      prefix: normalisePrefix(listing.prefix),
      topFolders: [...listing.topFolders],
      topObjects: listing.topObjects.map(pick),
      keys: [],
      listedAt: listing.listedAt,
    };
    const keys: string[] = [];
    for (let i = 0; i < listing.keys.length; i += CHUNK) {
      if (i > 0) await nextTask();
      keys.push(JSON.stringify(listing.keys.slice(i, i + CHUNK).map(toRow)));
    }
    const rec: Record2 = { version: VERSION, savedAt: new Date().toISOString(), listing: clean, keys };
    try {
      await this.store.set(listingCacheKey(endpoint, listing.bucket, listing.prefix), rec);
      return true;
    } catch (e) {
      this.warn('The listing could not be cached (storage full or unavailable); the app works without it.', e);
      return false;
    }
  }

  async remove(endpoint: string | undefined, bucket: string, prefix: string): Promise<void> {
    try {
      await this.store.delete(listingCacheKey(endpoint, bucket, prefix));
    } catch (e) {
      this.warn('A cached listing could not be removed.', e);
    }
  }

  /** "Clear cached data". */
  async clear(): Promise<void> {
    try {
      await this.store.clear();
    } catch (e) {
      this.warn('The listing cache could not be cleared.', e);
    }
  }
}

function pick(o: ObjectInfo): ObjectInfo {
  const out: ObjectInfo = { key: o.key, size: o.size, etag: o.etag };
  if (o.lastModified !== undefined) out.lastModified = o.lastModified;
  return out;
}

export interface Revalidated {
  listing: StudyListing;
  /** False when there was no cached copy to compare with. */
  changed: boolean;
}

export interface CachedListing {
  /** The cached copy, to render at once; undefined on a first visit. */
  cached: CachedCopy | undefined;
  /** The fresh listing (listed in the background and stored), and whether it differs from the copy. */
  fresh: Promise<Revalidated>;
}

export interface CachedListingOptions extends ListStudyOptions {
  cache: ListingCache;
}

/**
 * Stale-while-revalidate: resolves as soon as the cache has answered, with the cached copy (if any) and
 * a promise of the fresh listing. The fresh listing replaces the cached one when it arrives.
 */
export async function cachedListing(
  client: S3Client,
  bucket: string,
  prefix: string,
  opts: CachedListingOptions,
): Promise<CachedListing> {
  const endpoint = clientInfo(client).endpoint;
  const cached = await opts.cache.get(endpoint, bucket, prefix);
  const fresh = (async () => {
    const listing = await refreshListing(client, bucket, prefix, opts);
    return { listing, changed: cached !== undefined && listingChanged(cached.listing, listing) };
  })();
  // The caller may only want the cached copy; a failed revalidation must not become an unhandled rejection.
  fresh.catch(() => undefined);
  return { cached, fresh };
}

/** Lists the study from S3 now (the "refresh" control) and stores the result. */
export async function refreshListing(
  client: S3Client,
  bucket: string,
  prefix: string,
  opts: CachedListingOptions,
): Promise<StudyListing> {
  const { cache, ...listOpts } = opts;
  const listing = await listStudy(client, bucket, prefix, listOpts);
  // Storing copies every key: a task of its own, not added to the listing's last one (src/lib/slices).
  await nextTask();
  await cache.put(listing);
  return listing;
}
