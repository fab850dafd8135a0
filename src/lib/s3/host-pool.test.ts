import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '#harness/moto.ts';
import { startProxy, type Proxy, type ProxyRequest } from '#harness/proxy.ts';
import { executePlan } from '../save/executor.ts';
import { nodeFolderTarget } from '../save/node-folder.ts';
import type { DownloadPlan } from '../plan/index.ts';
import { createS3Client, objectUrl } from './client.ts';
import { awsHosts, hostPool } from './host-pool.ts';
import { getObjectBytes } from './object.ts';
import { listAll } from './list.ts';
import { listStudy } from './list-study.ts';

const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
/** SHA-256 (HMAC with a secret) as the signer wants it, from node:crypto. */
class Sha256 {
  private h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}
type Req = { method: string; protocol: string; hostname: string; path: string; query?: Record<string, string>; headers: Record<string, string> };
const HttpRequest = function (this: unknown, r: Req) {
  return r;
} as unknown as new (r: Req) => Req & { headers: Record<string, string> };

const BUCKET = 'pool-test';
const PRIVATE = 'pool-private';
const CREDS = { accessKeyId: 'AKIDPOOLTEST', secretAccessKey: 'pool-secret-key' };
let moto: Moto;
const proxies: Proxy[] = [];
const bodies = new Map<string, Buffer>();

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  await moto.createBucket(PRIVATE, { public: false });
  for (let i = 0; i < 24; i++) {
    const key = `s/sub-${String(i).padStart(2, '0')}/f ü+${i}.bin`;
    const body = randomBytes(1000 + i * 997);
    bodies.set(key, body);
    await moto.put(BUCKET, key, body);
    await moto.put(PRIVATE, key, body, { public: false });
  }
  // Distinct loopback addresses: distinct hosts, as a browser counts them.
  for (let i = 1; i <= 4; i++) proxies.push(await startProxy({ target: moto.endpoint, host: `127.0.0.${i}` }));
}, 120_000);

afterAll(async () => {
  for (const p of proxies) await p.stop();
  await moto?.stop();
});

const planOf = async (bucket: string, client = createS3Client({ endpoint: proxies[0]!.endpoint, credentials: CREDS })): Promise<DownloadPlan> => {
  const objects = await listAll(client, bucket, 's/');
  return { bucket, prefix: 's', entries: objects.map((o) => ({ key: o.key, size: o.size, etag: o.etag, localPath: o.key.slice(2), action: 'download' })) };
};
const expectSaved = (dir: string) => {
  for (const [key, body] of bodies) expect(readFileSync(join(dir, key.slice(2))).equals(body), key).toBe(true);
};

describe('AWS hostnames', () => {
  it('lists every equivalent name: eight in us-east-1, path-style only for dotted names', () => {
    expect(awsHosts('fcp-indi', 'us-east-1').map((h) => h.host)).toEqual([
      'fcp-indi.s3.us-east-1.amazonaws.com',
      's3.us-east-1.amazonaws.com',
      'fcp-indi.s3.dualstack.us-east-1.amazonaws.com',
      's3.dualstack.us-east-1.amazonaws.com',
      'fcp-indi.s3.amazonaws.com',
      's3.amazonaws.com',
      'fcp-indi.s3-external-1.amazonaws.com',
      's3-external-1.amazonaws.com',
    ]);
    expect(awsHosts('openneuro.org', 'us-east-1').map((h) => h.host)).toEqual([
      's3.us-east-1.amazonaws.com',
      's3.dualstack.us-east-1.amazonaws.com',
      's3.amazonaws.com',
      's3-external-1.amazonaws.com',
    ]);
    expect(awsHosts('b', 'eu-west-1').map((h) => h.host)).toEqual([
      'b.s3.eu-west-1.amazonaws.com',
      's3.eu-west-1.amazonaws.com',
      'b.s3.dualstack.eu-west-1.amazonaws.com',
      's3.dualstack.eu-west-1.amazonaws.com',
      'b.s3.amazonaws.com',
    ]);
  });

  it('gives each name a client that addresses the object on that name', () => {
    const pool = hostPool(createS3Client({ region: 'us-east-1' }), 'fcp-indi');
    const urls = pool.slots.map((s) => new URL(objectUrl(s.client, 'fcp-indi', 'a b/c')));
    expect(urls.map((u) => u.host)).toEqual(pool.slots.map((s) => s.host));
    for (const u of urls) expect(u.pathname.endsWith('/a%20b/c')).toBe(true);
  });
});

describe('host pools on a custom endpoint and its mirrors', () => {
  it('reaches the same objects byte for byte on every pool', async () => {
    const client = createS3Client({ endpoint: proxies[0]!.endpoint, mirrors: proxies.slice(1).map((p) => p.endpoint) });
    const pool = hostPool(client, BUCKET);
    expect(pool.slots.map((s) => s.host)).toEqual(proxies.map((p) => new URL(p.endpoint).host));
    for (const slot of pool.slots)
      for (const [key, body] of bodies) expect(Buffer.from(await getObjectBytes(slot.client, BUCKET, key)).equals(body), `${slot.host} ${key}`).toBe(true);
  });

  it('spreads a save over every pool, each request to the least busy host', async () => {
    for (const p of proxies) p.resetStats();
    const client = createS3Client({ endpoint: proxies[0]!.endpoint, mirrors: proxies.slice(1).map((p) => p.endpoint) });
    const dir = mkdtempSync(join(tmpdir(), 's3bids-pool-'));
    const report = await executePlan({ client, plan: await planOf(BUCKET), target: nodeFolderTarget(dir) });
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toBe(bodies.size);
    expectSaved(dir);
    for (const p of proxies) expect(p.stats.bodyGets).toBeGreaterThan(0);
  });

  it('lists a study over every hostname by default, key for key as one pass', async () => {
    for (const p of proxies) p.resetStats();
    const client = createS3Client({ endpoint: proxies[0]!.endpoint, mirrors: proxies.slice(1).map((p) => p.endpoint) });
    // Small pages: many listing requests, so each hostname gets some.
    const listing = await listStudy(client, BUCKET, 's', { concurrency: 8 });
    expect(listing.keys.map((k) => k.key)).toEqual((await listAll(client, BUCKET, 's/')).map((o) => o.key));
    for (const p of proxies) expect(p.stats.requests, p.endpoint).toBeGreaterThan(0);
  });

  it('drops a dead hostname for the run without failing any file', async () => {
    const dead = await startProxy({ target: moto.endpoint, host: '127.0.0.5' });
    const deadEndpoint = dead.endpoint;
    await dead.stop(); // nothing listens there now: connections are refused
    const client = createS3Client({ endpoint: proxies[0]!.endpoint, mirrors: [deadEndpoint, proxies[1]!.endpoint] });
    const pool = hostPool(client, BUCKET);
    const dir = mkdtempSync(join(tmpdir(), 's3bids-pool-'));
    const report = await executePlan({ client, pool, plan: await planOf(BUCKET), target: nodeFolderTarget(dir), retries: 0 });
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toBe(bodies.size);
    expectSaved(dir);
    expect(pool.dropped).toEqual([new URL(deadEndpoint).host]);
    // Listing through the pool moves on the same way.
    const fresh = hostPool(client, BUCKET);
    const listing = await listStudy(client, BUCKET, 's', { pool: fresh });
    expect(listing.keys.map((k) => k.key).sort()).toEqual([...bodies.keys()].sort());
    expect(fresh.dropped).toEqual([new URL(deadEndpoint).host]);
  });

  it('signs each request for the hostname it was sent to', async () => {
    const checked: { host: string; ok: boolean }[] = [];
    const signer = new SignatureV4({ credentials: CREDS, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: true });
    // A verifying proxy: recomputes SigV4 over what arrived (its Host included) with the known test keys.
    const verify = async (req: ProxyRequest) => {
      const auth = String(req.headers.authorization ?? '');
      const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
      const headers: Record<string, string> = {};
      for (const h of signed) headers[h] = String(req.headers[h] ?? '');
      const u = new URL(req.url, 'http://x');
      const query: Record<string, string> = {};
      for (const [k, v] of u.searchParams) query[k] = v;
      const amzDate = String(req.headers['x-amz-date']);
      const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const again = await signer.sign(
        new HttpRequest({ method: req.method, protocol: 'http:', hostname: headers.host!.split(':')[0]!, path: u.pathname, query, headers }),
        { signingDate: date },
      );
      // The same request claimed for another host must not verify (the check can fail).
      const elsewhere = await signer.sign(
        new HttpRequest({ method: req.method, protocol: 'http:', hostname: '127.0.0.99', path: u.pathname, query, headers: { ...headers, host: '127.0.0.99:1' } }),
        { signingDate: date },
      );
      checked.push({ host: headers.host ?? '', ok: auth !== '' && again.headers.authorization === auth && elsewhere.headers.authorization !== auth });
    };
    const pending: Promise<void>[] = [];
    for (const p of proxies) p.setFault((req) => void (req.method !== 'OPTIONS' && pending.push(verify(req))));
    try {
      const client = createS3Client({ endpoint: proxies[0]!.endpoint, credentials: CREDS, mirrors: proxies.slice(1).map((p) => p.endpoint) });
      const dir = mkdtempSync(join(tmpdir(), 's3bids-pool-'));
      const report = await executePlan({ client, plan: await planOf(PRIVATE, client), target: nodeFolderTarget(dir) });
      expect(report.failed).toEqual([]);
      expectSaved(dir);
      await Promise.all(pending);
    } finally {
      for (const p of proxies) p.setFault(undefined);
    }
    const hosts = new Set(checked.map((c) => c.host));
    expect(hosts).toEqual(new Set(proxies.map((p) => new URL(p.endpoint).host)));
    expect(checked.filter((c) => !c.ok)).toEqual([]);
  });
});
