// A loopback HTTP proxy in front of moto: adds latency, caps the body rate, counts requests (and CORS
// preflights) and bytes, injects faults, and holds requests on demand, so tests and benchmarks see what
// real S3 over a real network does to a client, and tests can act at a known point of a run.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen.ts';
import { createRng, hashSeed } from './fixtures/prng.ts';

export type FaultMode = '500' | '503' | 'reset-mid-body' | 'short-body' | 'stall' | 'corrupt';

export interface ProxyRequest {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  /** Bucket-relative object key (decoded), for path-style URLs; '' for bucket-level requests. */
  key: string;
  headers: IncomingMessage['headers'];
}

export interface ProxyStats {
  requests: number;
  /** CORS preflights (OPTIONS). */
  options: number;
  /** GETs answered with an object body (200/206), whole or ranged. */
  bodyGets: number;
  /** Response body bytes relayed to clients. */
  bytesOut: number;
  /** Most requests in flight at once. */
  maxInFlight: number;
  /** Per object key: requests, body bytes relayed, Range headers, and bodies relayed to their end (`bodies`). */
  perKey: Map<string, { requests: number; bytes: number; ranges: string[]; bodies: number }>;
}

export interface HoldOptions {
  /** Object GETs let through before holding starts. Default 0. */
  after?: number;
  /** Only object GETs whose key contains this are counted and held. Default: every object GET. */
  keyPart?: string;
}

export interface Proxy {
  endpoint: string;
  port: number;
  stats: ProxyStats;
  resetStats(): void;
  setFault(fn: ((req: ProxyRequest) => FaultMode | undefined) | undefined): void;
  /** The server goes away: open connections are reset and new ones refused until resume(). */
  pause(): void;
  resume(): void;
  /**
   * From now on, object GETs (not listings) beyond the first `after` wait at the proxy, unanswered,
   * until release(): a run is then provably mid-way, whatever the machine's speed.
   */
  hold(opts?: HoldOptions): void;
  /** Forwards every held request whose client is still there, and stops holding. */
  release(): void;
  /** Requests waiting at the proxy now. */
  readonly held: number;
  /** Resolves once `n` requests are held at the same time. */
  whenHeld(n?: number): Promise<void>;
  /** Resolves once no request is in flight: every response has ended or its client has gone. */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  /** Upstream base URL, e.g. moto's endpoint. */
  target: string;
  /** Added before each request is forwarded, like a network round trip. */
  delayMs?: number;
  host?: string;
  /** Caps each response's body rate from its first byte (a body is sent in slices of 1/20 s). */
  bytesPerSecond?: number;
  /** How long a 'stall' fault holds the connection silent before closing it. Default 120 s. */
  stallMs?: number;
  /** Drops every Access-Control-* response header: a bucket without CORS, as real S3 answers it (moto allows every origin). */
  stripCors?: boolean;
  /**
   * Answers CORS preflights itself, as real S3 does for a bucket whose rule allows any origin and the
   * requested headers (moto refuses preflights for signed and private-object requests).
   */
  answerPreflights?: boolean;
  /** Drops the Range header, as a plain static file server would: every GET gets the whole object. */
  ignoreRange?: boolean;
}

export const FAULT_MODES: readonly FaultMode[] = ['500', '503', 'reset-mid-body', 'short-body', 'stall'];

/**
 * Faults a share `rate` of object GETs, modes spread evenly. Deterministic per (seed, key, attempt),
 * so a run faults the same requests whatever the timing.
 */
export function faultMix(rate: number, seed: number, modes: readonly FaultMode[] = FAULT_MODES) {
  const attempts = new Map<string, number>();
  const byMode: Record<string, number> = {};
  let injected = 0;
  const pick = (req: ProxyRequest): FaultMode | undefined => {
    if (req.method !== 'GET' || req.key === '' || req.url.includes('list-type')) return undefined;
    const n = (attempts.get(req.key) ?? 0) + 1;
    attempts.set(req.key, n);
    const rng = createRng(hashSeed(`${seed}:${req.key}:${n}`));
    if (rng.next() >= rate) return undefined;
    const mode = modes[Math.floor(rng.next() * modes.length)]!;
    injected++;
    byMode[mode] = (byMode[mode] ?? 0) + 1;
    return mode;
  };
  return { pick, stats: () => ({ injected, byMode: { ...byMode } }) };
}

const emptyStats = (): ProxyStats => ({ requests: 0, options: 0, bodyGets: 0, bytesOut: 0, maxInFlight: 0, perKey: new Map() });

function keyOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  const slash = path.indexOf('/', 1);
  if (slash < 0) return '';
  try {
    return decodeURIComponent(path.slice(slash + 1));
  } catch {
    return path.slice(slash + 1);
  }
}

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** An object GET, as opposed to a listing or a bucket-level request. */
const isObjectGet = (method: string, url: string, key: string) => method === 'GET' && key !== '' && !url.includes('list-type');

export async function startProxy(opts: ProxyOptions): Promise<Proxy> {
  const target = new URL(opts.target);
  const delayMs = opts.delayMs ?? 0;
  const stallMs = opts.stallMs ?? 120_000;
  const bps = opts.bytesPerSecond ?? 0;
  let stats = emptyStats();
  let fault: ((req: ProxyRequest) => FaultMode | undefined) | undefined;
  let paused = false;
  let inFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  let holding: { after: number; keyPart: string; passed: number } | undefined;
  const heldRequests = new Set<() => void>();
  const waiters = new Set<{ ready: () => boolean; resolve: () => void; reject: (e: Error) => void }>();
  // Waiters are checked whenever what they wait on changes (a request held, let go, or finished).
  const wake = () => {
    for (const w of waiters)
      if (w.ready()) {
        waiters.delete(w);
        w.resolve();
      }
  };
  const until = (ready: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (ready()) return resolve();
      waiters.add({ ready, resolve, reject });
    });

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (paused) {
      req.socket.destroy();
      return;
    }
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const key = keyOf(url);
    stats.requests++;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight--;
      wake();
    });
    if (method === 'OPTIONS') stats.options++;
    const per = stats.perKey.get(key) ?? { requests: 0, bytes: 0, ranges: [], bodies: 0 };
    per.requests++;
    if (typeof req.headers.range === 'string') per.ranges.push(req.headers.range);
    stats.perKey.set(key, per);
    const mode = fault?.({ method, url, key, headers: req.headers });
    if (opts.answerPreflights && method === 'OPTIONS') {
      res.writeHead(200, {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-methods': 'GET, HEAD, PUT',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        'access-control-expose-headers': 'ETag, Content-Length, Content-Range, Last-Modified',
        'access-control-max-age': '3000',
      });
      res.end();
      return;
    }

    const forward = () => {
      if (paused) return req.socket.destroy();
      if (mode === '500' || mode === '503') {
        const body = mode === '500' ? xmlError('InternalError', 'injected') : xmlError('SlowDown', 'Please reduce your request rate.');
        res.writeHead(Number(mode), {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(body),
          'access-control-allow-origin': '*',
        });
        res.end(body);
        return;
      }
      const headers = { ...req.headers, host: target.host };
      if (opts.ignoreRange) delete headers.range;
      const up = httpRequest(
        { protocol: target.protocol, hostname: target.hostname, port: target.port, method, path: url, headers },
        (upRes) => relay(upRes),
      );
      up.on('error', () => res.socket?.destroy());
      req.pipe(up);
    };

    const relay = (upRes: IncomingMessage) => {
      const status = upRes.statusCode ?? 502;
      const isBody = method === 'GET' && (status === 200 || status === 206);
      if (isBody) stats.bodyGets++;
      const len = Number(upRes.headers['content-length'] ?? NaN);
      const faulty = isBody && (mode === 'reset-mid-body' || mode === 'short-body' || mode === 'stall');
      // Raw headers keep CORS and ETag headers exactly as moto sent them.
      const raw: string[] = [];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
        const name = upRes.rawHeaders[i]!;
        const value = upRes.rawHeaders[i + 1]!;
        if (opts.stripCors && name.toLowerCase().startsWith('access-control-')) continue;
        if (faulty && mode === 'short-body' && name.toLowerCase() === 'content-length') {
          raw.push(name, String(Math.floor(len / 2)));
        } else raw.push(name, value);
      }
      res.writeHead(status, raw);
      const cut = faulty && Number.isFinite(len) ? Math.floor(len / 2) : Infinity;
      const started = Date.now();
      const queue: Buffer[] = [];
      let sent = 0;
      let done = false;
      let upstreamEnded = false;
      let waiting = false;
      // Counted once every byte is written: the client may close as soon as it has them, before end().
      let counted = false;
      const wholeBody = () => {
        if (isBody && !counted) per.bodies++;
        counted = true;
      };
      // A client that went away gets nothing more, and nothing more is counted.
      res.on('close', () => {
        done = true;
        queue.length = 0;
        upRes.destroy();
      });
      const end = () => {
        if (done) return;
        done = true;
        wholeBody();
        res.end();
      };
      /** Writes what fits before a fault's cut; false when the client's buffer is full. */
      const write = (chunk: Buffer): boolean => {
        let part = chunk.length > cut - sent ? chunk.subarray(0, cut - sent) : chunk;
        if (mode === 'corrupt' && isBody && sent === 0 && part.length > 0) {
          part = Buffer.from(part);
          part[0] = part[0]! ^ 0xff;
        }
        let ok = true;
        if (part.length > 0) {
          ok = res.write(part);
          sent += part.length;
          stats.bytesOut += part.length;
          per.bytes += part.length;
          if (cut === Infinity && sent === len) wholeBody();
        }
        if (sent >= cut) {
          done = true;
          queue.length = 0;
          upRes.destroy();
          if (mode === 'short-body') res.end();
          else if (mode === 'reset-mid-body') later(20, () => res.socket?.destroy());
          else later(stallMs, () => res.socket?.destroy());
        }
        return ok;
      };
      // Sends the queue at the capped rate and no faster than the client reads; moto waits meanwhile.
      const pump = () => {
        waiting = false;
        while (!done && queue.length > 0) {
          const due = bps ? started + (sent / bps) * 1000 - Date.now() : 0;
          if (due > 5) {
            waiting = true;
            upRes.pause();
            later(due, pump);
            return;
          }
          if (!write(queue.shift()!) && !done) {
            waiting = true;
            upRes.pause();
            res.once('drain', pump);
            return;
          }
        }
        if (done) return;
        if (upstreamEnded) end();
        else upRes.resume();
      };
      const slice = bps ? Math.max(1024, Math.floor(bps / 20)) : Infinity;
      upRes.on('data', (chunk: Buffer) => {
        if (done || res.destroyed) return;
        for (let i = 0; i < chunk.length; i += slice) queue.push(chunk.subarray(i, i + slice));
        if (!waiting) pump();
      });
      upRes.on('end', () => {
        upstreamEnded = true;
        if (!waiting && queue.length === 0) end();
      });
      upRes.on('error', () => res.socket?.destroy());
    };

    const start = () => (delayMs > 0 ? later(delayMs, forward) : forward());
    if (holding && isObjectGet(method, url, key) && key.includes(holding.keyPart)) {
      if (holding.passed < holding.after) holding.passed++;
      else {
        const go = () => {
          heldRequests.delete(go);
          if (!res.destroyed) start();
        };
        heldRequests.add(go);
        res.on('close', () => {
          heldRequests.delete(go);
          wake();
        });
        wake();
        return;
      }
    }
    start();
  };

  const listening = await listenOnLoopback(handle, { host: opts.host, refuseConnection: () => paused });
  const { endpoint, port } = listening;

  return {
    endpoint,
    port,
    get stats() {
      return stats;
    },
    resetStats() {
      stats = emptyStats();
    },
    setFault(fn) {
      fault = fn;
    },
    pause() {
      paused = true;
      listening.dropSockets();
    },
    resume() {
      paused = false;
    },
    hold(o = {}) {
      holding = { after: o.after ?? 0, keyPart: o.keyPart ?? '', passed: 0 };
    },
    release() {
      holding = undefined;
      for (const go of [...heldRequests]) go();
      wake();
    },
    get held() {
      return heldRequests.size;
    },
    whenHeld(n = 1) {
      return until(() => heldRequests.size >= n);
    },
    whenIdle() {
      return until(() => inFlight === 0);
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const w of waiters) w.reject(new Error('the proxy stopped'));
      waiters.clear();
      await listening.close();
    },
  };
}
