// Host pools: the same bucket under several hostnames, each a browser connection pool of its own
// (docs/hosts.md). A request goes to the hostname with the fewest requests in flight; a hostname whose
// first request fails at the network level (DNS, TLS, CORS, refused) is dropped for the run and the
// request moves to another, so a dead name never costs a file.
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3BIDSError } from '../errors/index.ts';
import { clientInfo, siblingClient } from './client.ts';

/** One way to reach a bucket: a custom endpoint (or AWS host as an endpoint) and its addressing style. */
export interface HostSpec {
  /** Origin the requests go to, e.g. `https://s3.us-west-2.amazonaws.com`; undefined = the client's own. */
  endpoint: string | undefined;
  forcePathStyle: boolean;
  /** The hostname the browser connects to (what a pool is counted by), for reports and the CSP. */
  host: string;
}

/**
 * The AWS hostnames that serve `bucket` in `region` (docs/hosts.md gives AWS's documentation for each):
 * virtual-hosted and path-style, regional and dual-stack; the global names (path-style global only in
 * us-east-1, where it is the regional endpoint; virtual-hosted global is routed to the bucket's region by
 * DNS); the legacy `s3-external-1` name in us-east-1. Names with dots: path-style only (a dotted
 * virtual-hosted name fails the `*.s3…` TLS certificate).
 */
export function awsHosts(bucket: string, region: string): HostSpec[] {
  const dotted = bucket.includes('.');
  const bases = [`s3.${region}.amazonaws.com`, `s3.dualstack.${region}.amazonaws.com`];
  if (region === 'us-east-1') bases.push('s3.amazonaws.com', 's3-external-1.amazonaws.com');
  const out: HostSpec[] = [];
  for (const base of bases) {
    const endpoint = `https://${base}`;
    if (!dotted) out.push({ endpoint, forcePathStyle: false, host: `${bucket}.${base}` });
    out.push({ endpoint, forcePathStyle: true, host: base });
  }
  // Virtual-hosted global works for every region (DNS sends it to the bucket's region).
  if (!dotted && region !== 'us-east-1') out.push({ endpoint: 'https://s3.amazonaws.com', forcePathStyle: false, host: `${bucket}.s3.amazonaws.com` });
  return out;
}

/** The hostnames a client may use for `bucket`: AWS's equivalent names, or a custom endpoint and its mirrors. */
export function hostsFor(client: S3Client, bucket: string): HostSpec[] {
  const info = clientInfo(client);
  if (info.endpoint === undefined) return awsHosts(bucket, info.bucketRegions.get(bucket) ?? info.region);
  return [info.endpoint, ...info.mirrors].map((e) => ({ endpoint: e, forcePathStyle: info.forcePathStyle, host: new URL(e).host }));
}

interface Slot {
  client: S3Client;
  host: string;
  inFlight: number;
  /** A request here has been answered (any HTTP status): the name works, later failures are the file's. */
  proven: boolean;
  dead: boolean;
}

/** A request's hold on one hostname; `release` when its body is read (the connection is busy until then). */
export interface Lease {
  client: S3Client;
  host: string;
  /** The server answered: this hostname works. */
  answered(): void;
  /**
   * After a failure: true when the hostname was dropped for it (it never answered and the failure was
   * the network's), so the request should simply go to another hostname; false when it is the file's.
   */
  drop(e: unknown): boolean;
  release(): void;
}

/** Whether an error is a network-level failure (no HTTP answer): DNS, TLS, CORS, refused, reset. */
export function isNoAnswer(e: unknown): boolean {
  if (isS3BIDSError(e)) return e.code === 'Network' && e.status === undefined;
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string } | undefined;
  if (err?.$metadata?.httpStatusCode) return false;
  return err?.name === 'TypeError' || /ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|certificate/i.test(String(err?.code ?? (e as Error)?.message ?? ''));
}

export class HostPool {
  readonly slots: Slot[];

  constructor(clients: { client: S3Client; host: string }[]) {
    if (clients.length === 0) throw new TypeError('HostPool: no hostnames.');
    this.slots = clients.map((c) => ({ ...c, inFlight: 0, proven: false, dead: false }));
  }

  /** Hostnames still in use. */
  get live(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /** Hostnames dropped for this run. */
  get dropped(): string[] {
    return this.slots.filter((s) => s.dead).map((s) => s.host);
  }

  /** The hostname with the fewest requests in flight (the first listed on a tie). */
  acquire(): Lease {
    let best: Slot | undefined;
    for (const s of this.slots) if (!s.dead && (!best || s.inFlight < best.inFlight)) best = s;
    // Never all dead: the last live name is never dropped.
    const slot = best!;
    slot.inFlight++;
    let released = false;
    return {
      client: slot.client,
      host: slot.host,
      answered: () => void (slot.proven = true),
      drop: (e) => {
        if (slot.proven || !isNoAnswer(e)) return false;
        if (slot.dead) return true;
        if (this.live <= 1) return false;
        slot.dead = true;
        return true;
      },
      release: () => {
        if (!released) slot.inFlight--;
        released = true;
      },
    };
  }

  /** Runs one request on the least busy hostname, moving it to another when the name proves dead. */
  async run<T>(fn: (client: S3Client) => Promise<T>): Promise<T> {
    for (;;) {
      const lease = this.acquire();
      try {
        const out = await fn(lease.client);
        lease.answered();
        return out;
      } catch (e) {
        if (lease.drop(e)) continue;
        if (!isNoAnswer(e)) lease.answered();
        throw e;
      } finally {
        lease.release();
      }
    }
  }
}

/** A pool over every hostname `client` may use for `bucket` (one, for a custom endpoint without mirrors). */
export function hostPool(client: S3Client, bucket: string): HostPool {
  const specs = hostsFor(client, bucket);
  const info = clientInfo(client);
  return new HostPool(
    specs.map((s, i) => ({
      // The first custom endpoint is the client itself; every AWS name gets its own client.
      client: i === 0 && info.endpoint !== undefined ? client : siblingClient(client, s.endpoint, s.forcePathStyle),
      host: s.host,
    })),
  );
}
