// The listing cache: a whole-study listing kept in IndexedDB (memory in tests and Node), shown at once on a
// revisit and revalidated (docs/contract.md, "Cache"). Depends on s3/ and slices/ only.
export {
  ListingCache,
  cachedListing,
  refreshListing,
  listingChanged,
  listingCacheKey,
  safeEndpoint,
  type CachedCopy,
  type CachedListing,
  type CachedListingOptions,
  type CacheWarning,
  type Revalidated,
} from './listing-cache.ts';
export { idbListingStore, memoryListingStore, defaultListingStore, DB_NAME, STORE_NAME, type ListingStore } from './store.ts';
