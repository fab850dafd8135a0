// The realistic-S3 layer: a loopback server in front of moto (or of harness/proxy.ts) that answers as AWS
// S3 does where moto does not, each behaviour switched on per bucket. docs/real-s3.md names the AWS
// documentation each behaviour follows and what the user sees.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { crc32, sha1 } from 'hash-wasm';
import { listenOnLoopback } from './listen.ts';

export interface BucketBehaviour {
  /** 404 NoSuchBucket, with no CORS headers (the browser sees only a network error). */
  missing?: boolean;
  /** 403 AccessDenied, with no CORS headers. */
  denied?: boolean;
  /**
   * The bucket lives in this region: a request signed for another region (or unsigned) gets a redirect
   * carrying `x-amz-bucket-region`. 301 PermanentRedirect (default) or 307 TemporaryRedirect.
   */
  region?: string;
  redirect?: 301 | 307;
  /** ETags that are not the MD5 of the body: SSE-KMS, SSE-C (with their headers) or multipart ("…-N"). */
  etag?: 'sse-kms' | 'sse-c' | 'multipart';
  /**
   * With `x-amz-checksum-mode: ENABLED`, whole-object GETs and HEADs carry the object's checksum:
   * `x-amz-checksum-sha256` (`true` or `'sha256'`), `-sha1`, `-crc32` or `-crc32c` of the bytes, with
   * `x-amz-checksum-type: FULL_OBJECT`; `'composite'`: a multipart upload's CRC32 of part checksums
   * (`…-3`, `COMPOSITE`), which is not a checksum of the bytes. Never on a Range request.
   */
  checksum?: boolean | 'sha256' | 'sha1' | 'crc32' | 'crc32c' | 'composite';
  /** 403 AccessDenied unless the request is signed and carries `x-amz-request-payer: requester`. */
  requesterPays?: boolean;
  /**
   * Listings put keys into the XML raw (control characters, `\r`) unless `encoding-type=url` is asked,
   * as S3 does. Default true for every bucket: moto escapes them itself.
   */
  rawKeys?: boolean;
  /** Every listed object appears twice in its page, as a misbehaving S3-compatible server may send it. */
  repeatKeys?: boolean;
  /** 503 SlowDown for `burst` requests after every `every` requests that pass. */
  slowDown?: { every: number; burst: number };
}

export interface RealS3Stats {
  requests: number;
  /** Requests answered by a behaviour of this layer (not forwarded). */
  answered: Record<string, number>;
  /** Listing requests, and how many of them asked for `encoding-type=url`. */
  listings: number;
  urlEncodedListings: number;
  /** Requests that carried `x-amz-request-payer: requester`. */
  requesterPayer: number;
  /** Regions the requests were signed for, as counted. */
  signedRegions: Record<string, number>;
}

export interface RealS3 {
  endpoint: string;
  port: number;
  stats: RealS3Stats;
  resetStats(): void;
  set(bucket: string, behaviour: BucketBehaviour | undefined): void;
  /** Nothing answers: connections are refused, as offline or a failed DNS look-up looks to a client. */
  goOffline(): void;
  goOnline(): Promise<void>;
  stop(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'ETag, Content-Length, Content-Range, Last-Modified, x-amz-bucket-region, x-amz-server-side-encryption, x-amz-server-side-encryption-customer-algorithm, x-amz-checksum-sha256, x-amz-checksum-sha1, x-amz-checksum-crc32, x-amz-checksum-crc32c, x-amz-checksum-crc64nvme, x-amz-checksum-type, x-amz-request-charged',
};

const xmlError = (code: string, message: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>REALS3</RequestId></Error>`;

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The region a SigV4 request was signed for (header or presigned query), if signed. */
export function signedRegion(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const auth = req.headers.authorization ?? '';
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\//.exec(auth) ?? /^[^/]+\/\d{8}\/([^/]+)\/s3\//.exec(query.get('X-Amz-Credential') ?? '');
  return m?.[1];
}

const isSigned = (req: IncomingMessage, query: URLSearchParams) =>
  /^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '') || query.has('X-Amz-Signature');

/** Path-style: `/bucket/key…`. */
function split(path: string): { bucket: string; key: string } {
  const p = path.replace(/^\//, '');
  const i = p.indexOf('/');
  return i < 0 ? { bucket: decodeURIComponent(p), key: '' } : { bucket: decodeURIComponent(p.slice(0, i)), key: p.slice(i + 1) };
}

/** A non-MD5 ETag that is stable per object (so resume and skip rules still see one value). */
function fakeEtag(md5: string, kind: NonNullable<BucketBehaviour['etag']>): string {
  const h = createHash('sha1').update(`${kind}:${md5}`).digest('hex').slice(0, 32);
  return kind === 'multipart' ? `${h}-3` : h;
}

/** The checksum headers S3 sends for `body` under a `checksum` behaviour (base64 of the big-endian digest). */
export async function checksumHeaders(body: Buffer, kind: NonNullable<BucketBehaviour['checksum']>): Promise<Record<string, string>> {
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  if (kind === true || kind === 'sha256') return { 'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'), 'x-amz-checksum-type': 'FULL_OBJECT' };
  if (kind === 'sha1') return { 'x-amz-checksum-sha1': b64(await sha1(body)), 'x-amz-checksum-type': 'FULL_OBJECT' };
  if (kind === 'crc32') return { 'x-amz-checksum-crc32': b64(await crc32(body)), 'x-amz-checksum-type': 'FULL_OBJECT' };
  if (kind === 'crc32c') return { 'x-amz-checksum-crc32c': b64(await crc32(body, 0x82f63b78)), 'x-amz-checksum-type': 'FULL_OBJECT' };
  // Three parts' CRC32s, checksummed again: right in form, of no use for the bytes.
  const third = Math.ceil(body.length / 3);
  const parts = await Promise.all([0, 1, 2].map((i) => crc32(body.subarray(i * third, (i + 1) * third))));
  return { 'x-amz-checksum-crc32': `${b64(await crc32(Buffer.from(parts.join(''), 'hex')))}-3`, 'x-amz-checksum-type': 'COMPOSITE' };
}

export async function startRealS3(opts: { target: string; buckets?: Record<string, BucketBehaviour>; host?: string }): Promise<RealS3> {
  const target = new URL(opts.target);
  const behaviours = new Map(Object.entries(opts.buckets ?? {}));
  const passed = new Map<string, number>();
  const emptyStats = (): RealS3Stats => ({
    requests: 0,
    answered: {},
    listings: 0,
    urlEncodedListings: 0,
    requesterPayer: 0,
    signedRegions: {},
  });
  let stats = emptyStats();
  let offline = false;

  const answer = (res: ServerResponse, status: number, code: string, message: string, o: { cors: boolean; headers?: Record<string, string>; extra?: string }) => {
    stats.answered[code] = (stats.answered[code] ?? 0) + 1;
    const body = xmlError(code, message, o.extra);
    res.writeHead(status, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      ...(o.cors ? CORS : {}),
      ...(o.headers ?? {}),
    });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (offline) return req.socket.destroy();
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const { bucket, key } = split(url.pathname);
    const b = behaviours.get(bucket) ?? {};
    const region = signedRegion(req, url.searchParams);
    if (region) stats.signedRegions[region] = (stats.signedRegions[region] ?? 0) + 1;
    const isListing = method === 'GET' && key === '' && url.searchParams.has('list-type');
    if (isListing) {
      stats.listings++;
      if (url.searchParams.get('encoding-type') === 'url') stats.urlEncodedListings++;
    }
    if (req.headers['x-amz-request-payer'] === 'requester') stats.requesterPayer++;

    // A preflight: S3 answers it from the bucket's CORS rule; a missing or denied bucket has none.
    if (method === 'OPTIONS') {
      if (b.missing || b.denied) return answer(res, 403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.', { cors: false });
      stats.answered.preflight = (stats.answered.preflight ?? 0) + 1;
      res.writeHead(200, {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-methods': 'GET, HEAD, PUT',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        'access-control-expose-headers': CORS['access-control-expose-headers'],
        'access-control-max-age': '3000',
      });
      return res.end();
    }
    if (b.missing) return answer(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', { cors: false, extra: `<BucketName>${escapeXml(bucket)}</BucketName>` });
    if (b.denied) return answer(res, 403, 'AccessDenied', 'Access Denied', { cors: false });
    if (b.region && region !== b.region) {
      const where = { 'x-amz-bucket-region': b.region };
      if (b.redirect === 307)
        return answer(res, 307, 'TemporaryRedirect', 'Please re-send this request to the specified temporary endpoint. Continue to use the original request endpoint for future requests.', {
          cors: true,
          headers: { ...where, location: `${req.url}` },
        });
      return answer(res, 301, 'PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.', {
        cors: true,
        headers: where,
        extra: `<Endpoint>${escapeXml(bucket)}.s3.${b.region}.amazonaws.com</Endpoint><Bucket>${escapeXml(bucket)}</Bucket>`,
      });
    }
    if (b.requesterPays && !(isSigned(req, url.searchParams) && req.headers['x-amz-request-payer'] === 'requester'))
      return answer(res, 403, 'AccessDenied', 'Access Denied', { cors: true });
    if (b.slowDown) {
      const n = (passed.get(bucket) ?? 0) + 1;
      passed.set(bucket, n);
      const cycle = b.slowDown.every + b.slowDown.burst;
      if ((n - 1) % cycle >= b.slowDown.every) return answer(res, 503, 'SlowDown', 'Please reduce your request rate.', { cors: true });
    }

    // Forwarded. Listings are always asked of moto URL-encoded, so the layer decides how keys travel.
    const wantsUrl = url.searchParams.get('encoding-type') === 'url';
    const rewriteListing = isListing && b.rawKeys !== false && !wantsUrl;
    let path = url.pathname + url.search;
    if (rewriteListing) {
      const q = new URLSearchParams(url.search);
      q.set('encoding-type', 'url');
      path = `${url.pathname}?${q.toString()}`;
    }
    const headers = { ...req.headers, host: target.host };
    const rewriteBody = rewriteListing || (isListing && (b.etag !== undefined || b.repeatKeys === true));
    const up = httpRequest({ protocol: target.protocol, hostname: target.hostname, port: target.port, method, path, headers }, (upRes) => {
      const status = upRes.statusCode ?? 502;
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined) out[k] = v;
      const objectRead = (method === 'GET' || method === 'HEAD') && key !== '' && status < 300;
      if (objectRead && b.etag && typeof out.etag === 'string') {
        out.etag = `"${fakeEtag(out.etag.replace(/"/g, ''), b.etag)}"`;
        if (b.etag === 'sse-kms') {
          out['x-amz-server-side-encryption'] = 'aws:kms';
          out['x-amz-server-side-encryption-aws-kms-key-id'] = 'arn:aws:kms:us-east-1:111122223333:key/realS3';
        } else if (b.etag === 'sse-c') {
          out['x-amz-server-side-encryption-customer-algorithm'] = 'AES256';
        }
      }
      if (b.requesterPays) out['x-amz-request-charged'] = 'requester';
      const wantChecksum = objectRead && b.checksum && req.headers['x-amz-checksum-mode'] === 'ENABLED' && !req.headers.range;
      if (!rewriteBody && !wantChecksum) {
        res.writeHead(status, out);
        upRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', async () => {
        let body = Buffer.concat(chunks);
        if (wantChecksum && b.checksum) Object.assign(out, await checksumHeaders(body, b.checksum));
        if (rewriteBody && status === 200) {
          let xml = body.toString('utf8');
          if (rewriteListing) {
            // S3 without encoding-type=url: keys go into the XML as they are, whatever XML 1.0 allows.
            xml = xml
              .replace(/<EncodingType>url<\/EncodingType>/, '')
              .replace(/<(Key|Prefix|StartAfter|Delimiter)>([^<]*)<\/\1>/g, (_m, tag: string, v: string) => `<${tag}>${escapeXml(decodeURIComponent(v))}</${tag}>`);
          }
          if (b.etag) {
            const kind = b.etag;
            xml = xml.replace(/<ETag>(?:&quot;|")?([0-9a-f]{32})(?:&quot;|")?<\/ETag>/g, (_m, md5: string) => `<ETag>&quot;${fakeEtag(md5, kind)}&quot;</ETag>`);
          }
          if (b.repeatKeys) xml = xml.replace(/<Contents>[\s\S]*?<\/Contents>/g, (m) => m + m);
          body = Buffer.from(xml, 'utf8');
        }
        out['content-length'] = String(body.length);
        delete out['transfer-encoding'];
        res.writeHead(status, out);
        res.end(method === 'HEAD' ? undefined : body);
      });
      upRes.on('error', () => res.socket?.destroy());
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  };

  const listening = await listenOnLoopback(handle, { host: opts.host, refuseConnection: () => offline });
  const { endpoint, port, host, server } = listening;
  return {
    endpoint,
    port,
    get stats() {
      return stats;
    },
    resetStats() {
      stats = emptyStats();
    },
    set(bucket, behaviour) {
      if (behaviour) behaviours.set(bucket, behaviour);
      else behaviours.delete(bucket);
      passed.delete(bucket);
    },
    // The port stops listening: connections are refused, as offline looks to a client.
    goOffline() {
      offline = true;
      server.close();
      listening.dropSockets();
    },
    goOnline() {
      offline = false;
      return new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
    },
    stop: () => listening.close(),
  };
}
