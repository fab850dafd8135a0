import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3ClientOptions } from './types.ts';

/** What we need to address objects ourselves (plain `fetch` for bodies, Range reads). */
export interface ClientInfo {
  anon: boolean;
  region: string;
  /** Custom endpoint without a trailing slash, or undefined for AWS. */
  endpoint: string | undefined;
  forcePathStyle: boolean;
  /** Every request says the requester pays (`x-amz-request-payer: requester`). */
  requesterPays: boolean;
  /** More endpoints serving the same buckets (custom endpoints only), each a host pool of its own. */
  mirrors: string[];
  /** Regions S3 named for buckets (`x-amz-bucket-region`), learned from its answers. */
  bucketRegions: Map<string, string>;
}

const infos = new WeakMap<S3Client, ClientInfo>();
/** What each client was made with (credentials stay in memory, here as in the SDK), for its siblings. */
const options = new WeakMap<S3Client, S3ClientOptions>();

// The SDK adds these to every request; any one of them makes the browser send a CORS preflight,
// which a public bucket whose CORS rule lists no allowed headers refuses.
const PREFLIGHT_HEADERS = ['x-amz-user-agent', 'amz-sdk-request', 'amz-sdk-invocation-id', 'x-amz-checksum-mode'];

const NO_AUTH = 'smithy.api#noAuth';

/** Whether a location is addressed path-style: when asked, and by default for a custom endpoint. */
export function pathStyleOf(o: { endpoint?: string | undefined; forcePathStyle?: boolean | undefined }): boolean {
  return o.forcePathStyle ?? o.endpoint !== undefined;
}

/**
 * A client for S3 or an S3-compatible server (pyAFQ: `get_s3_client`). Anonymous clients send unsigned
 * requests with no header that would force a CORS preflight, so public buckets work from a browser.
 */
export function createS3Client(opts: S3ClientOptions = {}): S3Client {
  const anon = opts.anon ?? !opts.credentials;
  if (!anon && !opts.credentials) {
    throw new TypeError('createS3Client: anon=false needs credentials (they are never read from storage).');
  }
  if (opts.requesterPays && anon) {
    throw new TypeError('createS3Client: requesterPays needs credentials (S3 refuses anonymous requests to requester-pays buckets).');
  }
  const region = opts.region ?? 'us-east-1';
  const endpoint = opts.endpoint?.replace(/\/+$/, '');
  const forcePathStyle = pathStyleOf({ endpoint, forcePathStyle: opts.forcePathStyle });
  const client = new S3Client({
    region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle,
    maxAttempts: opts.maxAttempts ?? 4,
    // A bucket in another region answers 301 PermanentRedirect with x-amz-bucket-region; the SDK then asks
    // again there (docs/real-s3.md, "A bucket in another region").
    followRegionRedirects: true,
    // Handler options: the browser's fetch handler takes `cache` (never answer from the HTTP cache, for
    // listings and signed reads alike: docs/contract.md, "Overwrite, skip, resume, verify"); Node's handler
    // has no cache and ignores it.
    requestHandler: { cache: 'no-store' },
    // Otherwise GetObject asks for checksums with a header that forces a preflight.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(anon
      ? {
          credentials: { accessKeyId: '', secretAccessKey: '' },
          httpAuthSchemeProvider: () => [{ schemeId: NO_AUTH }],
          httpAuthSchemes: [
            {
              schemeId: NO_AUTH,
              identityProvider: () => async () => ({}),
              signer: { sign: async (request: unknown) => request },
            },
          ],
        }
      : { credentials: opts.credentials }),
  } as S3ClientConfig);
  if (anon) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) for (const h of PREFLIGHT_HEADERS) delete request.headers[h];
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 's3bidsDropPreflightHeaders' },
    );
  }
  if (opts.requesterPays) {
    // docs/real-s3.md, "Requester pays": the header goes on every request, listings and reads alike.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers['x-amz-request-payer'] = 'requester';
        return next(args);
      },
      { step: 'build', name: 's3bidsRequestPayer' },
    );
  }
  // A 307 TemporaryRedirect carrying x-amz-bucket-region (a new bucket, or a request that reached S3 where it
  // does not live yet) is asked again in that region, as the SDK does for 301 (docs/real-s3.md, "A bucket in
  // another region"). The SDK's own redirect middleware reads the region from the context field below.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        const err = e as { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
        const r = err.$response?.headers?.['x-amz-bucket-region'];
        if (err.$metadata?.httpStatusCode !== 307 || !r) throw e;
        (context as { __s3RegionRedirect?: string }).__s3RegionRedirect = r;
        return next(args);
      }
    },
    { step: 'initialize', priority: 'high', name: 's3bidsTemporaryRedirect' },
  );
  const bucketRegions = new Map<string, string>();
  // Remembers the region S3 names for a bucket, on success and failure alike, for the overview and for
  // plain object URLs.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const bucket = (args.input as { Bucket?: string }).Bucket;
      const note = (headers: Record<string, string> | undefined) => {
        const r = headers?.['x-amz-bucket-region'];
        if (bucket && r) bucketRegions.set(bucket, r);
      };
      try {
        const out = await next(args);
        note((out.response as { headers?: Record<string, string> }).headers);
        return out;
      } catch (e) {
        note((e as { $response?: { headers?: Record<string, string> } }).$response?.headers);
        throw e;
      }
    },
    { step: 'deserialize', name: 's3bidsBucketRegion' },
  );
  const mirrors = endpoint ? (opts.mirrors ?? []).map((m) => m.replace(/\/+$/, '')).filter((m) => m && m !== endpoint) : [];
  infos.set(client, { anon, region, endpoint, forcePathStyle, requesterPays: opts.requesterPays === true, mirrors, bucketRegions });
  options.set(client, opts);
  return client;
}

/** How a client made by `createS3Client` addresses objects. */
export function clientInfo(client: S3Client): ClientInfo {
  const info = infos.get(client);
  if (!info) throw new TypeError('This S3 client was not made by createS3Client.');
  return info;
}

/** Path-style is required for dotted bucket names over TLS (`openneuro.org`) and for custom endpoints. */
export function usesPathStyle(info: ClientInfo, bucket: string): boolean {
  return info.forcePathStyle || bucket.includes('.');
}

/** Encodes a key for a URL path, keeping `/` and round-tripping spaces, `+`, `%` and unicode exactly. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()))
    .join('/');
}

/** The plain HTTP URL of an object, as an unsigned GET would use it. */
export function objectUrl(client: S3Client, bucket: string, key: string): string {
  const info = clientInfo(client);
  const base = info.endpoint ?? `https://s3.${info.bucketRegions.get(bucket) ?? info.region}.amazonaws.com`;
  if (usesPathStyle(info, bucket)) return `${base}/${encodeURIComponent(bucket)}/${encodeKey(key)}`;
  const u = new URL(base);
  u.hostname = `${bucket}.${u.hostname}`;
  return `${u.origin}/${encodeKey(key)}`;
}

/** The region S3 named for `bucket` while this client used it, if it named one. */
export function bucketRegion(client: S3Client, bucket: string): string | undefined {
  return clientInfo(client).bucketRegions.get(bucket);
}

/**
 * The same client (credentials, requester pays, region) reaching the bucket at another endpoint: signed
 * clients sign for the hostname they use, since the SDK signs each request's own Host.
 */
export function siblingClient(client: S3Client, endpoint: string | undefined, forcePathStyle: boolean): S3Client {
  const info = clientInfo(client);
  const opts = options.get(client) ?? {};
  const { mirrors: _m, endpoint: _e, forcePathStyle: _f, ...rest } = opts;
  const sib = createS3Client({ ...rest, region: info.region, ...(endpoint ? { endpoint } : {}), forcePathStyle });
  // The region S3 named for a bucket holds under every name of it.
  for (const [b, r] of info.bucketRegions) clientInfo(sib).bucketRegions.set(b, r);
  return sib;
}
