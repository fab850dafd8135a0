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
