/** One object of a listing: what the planner and the saver need, nothing more. */
export interface ObjectInfo {
  key: string;
  size: number;
  /** ETag as S3 sends it, without the surrounding quotes. Empty when unknown. */
  etag: string;
  /** ISO 8601 time, when the listing gave one. */
  lastModified?: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3ClientOptions {
  /** Unsigned, preflight-free requests (public buckets). Default: true unless credentials are given. */
  anon?: boolean;
  region?: string;
  /** Custom endpoint (MinIO, Ceph, moto, a proxy). Default: AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /**
   * Mirror endpoints: other origins serving the same buckets as `endpoint` (docs/hosts.md). Each is a
   * pool of six browser connections of its own. Ignored without `endpoint` (AWS has its own names).
   */
  mirrors?: string[];
  /** Held in memory only; never stored, logged or put in a URL. */
  credentials?: Credentials;
  /**
   * A requester-pays bucket: every request says the requester accepts the charge
   * (`x-amz-request-payer: requester`). Needs credentials: S3 refuses anonymous requests to such buckets.
   */
  requesterPays?: boolean;
  /** Extra attempts the SDK makes on throttling and 5xx (listing requests). Default 4. */
  maxAttempts?: number;
}

/** Everything under a study prefix, as one listing pass (or its cached copy) found it. */
export interface StudyListing {
  endpoint: string;
  bucket: string;
  /** Normalised: no leading or trailing `/`; '' is the bucket root. */
  prefix: string;
  /** One-level (`Delimiter='/'`) view of the prefix: folder names relative to the prefix, ending in `/`. */
  topFolders: string[];
  /** Objects directly under the prefix. */
  topObjects: ObjectInfo[];
  /** Every key under the prefix, in S3's order (UTF-8 byte order). */
  keys: ObjectInfo[];
  /** ISO time the listing finished. */
  listedAt: string;
}
