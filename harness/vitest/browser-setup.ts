// Runs in Node before the browser project: starts moto for the browser tests and hands them its endpoint.
// Browser tests reach Node through the commands below: seed fixtures, start proxies, read their counters.
import { createHash, randomBytes } from 'node:crypto';
import type { BrowserCommand } from 'vitest/node';
import type { TestProject } from 'vitest/node';
import { startMoto, type Moto } from '../moto.ts';
import { faultMix, startProxy, type FaultMode, type HoldOptions, type Proxy, type ProxyOptions } from '../proxy.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export interface SeededObject {
  key: string;
  size: number;
  sha256: string;
}

export interface ProxyCounters {
  requests: number;
  options: number;
  bodyGets: number;
  bytesOut: number;
  maxInFlight: number;
  rangedKeys: string[];
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Creates a public bucket (CORS: GET/HEAD from any origin, no allowed headers) if needed and fills it. */
    s3Seed: (bucket: string, prefix: string, files: { name: string; size: number }[]) => Promise<SeededObject[]>;
    proxyStart: (opts: Omit<ProxyOptions, 'target'>) => Promise<string>;
    proxyCounters: (endpoint: string) => Promise<ProxyCounters>;
    proxyReset: (endpoint: string) => Promise<void>;
    /** Faults the first `times` GETs of keys containing `keyPart`. */
    proxyFault: (endpoint: string, mode: FaultMode | undefined, keyPart?: string, times?: number) => Promise<void>;
    proxyPause: (endpoint: string) => Promise<void>;
    proxyResume: (endpoint: string) => Promise<void>;
    /** Object GETs beyond the first `after` wait at the proxy until proxyRelease (proxy.ts hold). */
    proxyHold: (endpoint: string, opts?: HoldOptions) => Promise<void>;
    proxyRelease: (endpoint: string) => Promise<void>;
    /** Resolves once `n` requests are held at the proxy at the same time. */
    proxyWhenHeld: (endpoint: string, n?: number) => Promise<void>;
    /** Faults a share `rate` of object GETs over 500/503/reset/short/stall (proxy.ts faultMix). */
    proxyFaultMix: (endpoint: string, rate: number, seed: number) => Promise<void>;
    /** Faults injected by proxyFaultMix, and object requests beyond the first per key. */
    proxyFaultStats: (endpoint: string) => Promise<{ requests: number; injected: number; byMode: Record<string, number>; retries: number }>;
    /** Replaces objects with new bodies (their ETags change), as a writer would between listing and download. */
    s3Replace: (bucket: string, keys: string[]) => Promise<void>;
  }
}

// The config and the global setup may load this file as two module instances: share state globally.
interface Shared {
  moto?: Moto;
  buckets: Set<string>;
  proxies: Map<string, Proxy>;
  mixes?: Map<string, ReturnType<typeof faultMix>>;
}
const KEY = Symbol.for('s3bids.browser-test-state');
const shared = (): Shared => ((globalThis as Record<symbol, Shared>)[KEY] ??= { buckets: new Set(), proxies: new Map() });
const motoNow = () => {
  const m = shared().moto;
  if (!m) throw new Error('moto is not running: the browser global setup did not start it');
  return m;
};
const proxyAt = (endpoint: string) => {
  const p = shared().proxies.get(endpoint);
  if (!p) throw new Error(`no proxy at ${endpoint}`);
  return p;
};

/** Random bytes made in Node: fixtures can be large without crossing the command channel. */
const bytesFor = (size: number): Buffer => randomBytes(size);

const s3Seed: BrowserCommand<[string, string, { name: string; size: number }[]]> = async (_ctx, bucket, prefix, files) => {
  const moto = motoNow();
  if (!shared().buckets.has(bucket)) {
    await moto.createBucket(bucket);
    shared().buckets.add(bucket);
  }
  const out: SeededObject[] = [];
  const queue = [...files];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const key = `${prefix}${f.name}`;
        const body = bytesFor(f.size);
        await moto.put(bucket, key, body);
        out.push({ key, size: f.size, sha256: createHash('sha256').update(body).digest('hex') });
      }
    }),
  );
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
};

export const browserCommands = {
  s3Seed,
  proxyStart: (async (_ctx, opts: Omit<ProxyOptions, 'target'>) => {
    const p = await startProxy({ ...opts, target: motoNow().endpoint });
    shared().proxies.set(p.endpoint, p);
    return p.endpoint;
  }) as BrowserCommand<[Omit<ProxyOptions, 'target'>]>,
  proxyCounters: (async (_ctx, endpoint: string): Promise<ProxyCounters> => {
    const s = proxyAt(endpoint).stats;
    const rangedKeys = [...s.perKey].filter(([, v]) => v.ranges.length > 0).map(([k]) => k);
    return { requests: s.requests, options: s.options, bodyGets: s.bodyGets, bytesOut: s.bytesOut, maxInFlight: s.maxInFlight, rangedKeys };
  }) as BrowserCommand<[string]>,
  proxyReset: (async (_ctx, endpoint: string) => proxyAt(endpoint).resetStats()) as BrowserCommand<[string]>,
  proxyFault: (async (_ctx, endpoint: string, mode: FaultMode | undefined, keyPart = '', times = Infinity) => {
    let left = times;
    proxyAt(endpoint).setFault(
      mode === undefined ? undefined : (req) => (req.method === 'GET' && req.key.includes(keyPart) && left-- > 0 ? mode : undefined),
    );
  }) as BrowserCommand<[string, FaultMode | undefined, string?, number?]>,
  proxyPause: (async (_ctx, endpoint: string) => proxyAt(endpoint).pause()) as BrowserCommand<[string]>,
  proxyResume: (async (_ctx, endpoint: string) => proxyAt(endpoint).resume()) as BrowserCommand<[string]>,
  proxyHold: (async (_ctx, endpoint: string, opts?: HoldOptions) => proxyAt(endpoint).hold(opts)) as BrowserCommand<[string, HoldOptions?]>,
  proxyRelease: (async (_ctx, endpoint: string) => proxyAt(endpoint).release()) as BrowserCommand<[string]>,
  proxyWhenHeld: (async (_ctx, endpoint: string, n?: number) => proxyAt(endpoint).whenHeld(n)) as BrowserCommand<[string, number?]>,
  proxyFaultMix: (async (_ctx, endpoint: string, rate: number, seed: number) => {
    const mix = faultMix(rate, seed);
    (shared().mixes ??= new Map()).set(endpoint, mix);
    proxyAt(endpoint).setFault(mix.pick);
  }) as BrowserCommand<[string, number, number]>,
  proxyFaultStats: (async (_ctx, endpoint: string) => {
    const p = proxyAt(endpoint);
    const { injected, byMode } = shared().mixes?.get(endpoint)?.stats() ?? { injected: 0, byMode: {} };
    let retries = 0;
    for (const [key, k] of p.stats.perKey) if (key !== '') retries += k.requests - 1;
    return { requests: p.stats.requests, injected, byMode, retries };
  }) as BrowserCommand<[string]>,
  s3Replace: (async (_ctx, bucket: string, keys: string[]) => {
    const moto = motoNow();
    for (const key of keys) await moto.put(bucket, key, bytesFor(64 + (key.length % 7)));
  }) as BrowserCommand<[string, string[]]>,
};

export default async function setup(project: TestProject) {
  const moto = await startMoto();
  shared().moto = moto;
  project.provide('motoEndpoint', moto.endpoint);
  return async () => {
    for (const p of shared().proxies.values()) await p.stop();
    shared().proxies.clear();
    shared().buckets.clear();
    shared().moto = undefined;
    await moto.stop();
  };
}
