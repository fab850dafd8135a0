// A loopback HTTP proxy in front of moto: adds latency, counts requests (and CORS preflights), and
// injects faults, so tests and benchmarks see what real S3 over a real network does to a client.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
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
  bytesOut: number;
  /** Most requests in flight at once. */
  maxInFlight: number;
  perKey: Map<string, { requests: number; bytes: number; ranges: string[] }>;
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
  stop(): Promise<void>;
}

export interface ProxyOptions {
  /** Upstream base URL, e.g. moto's endpoint. */
  target: string;
  /** Added before each request is forwarded, like a network round trip. */
  delayMs?: number;
  host?: string;
  /** Caps each response's body rate, so tests can act mid-transfer on loopback. */
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

export async function startProxy(opts: ProxyOptions): Promise<Proxy> {
  const target = new URL(opts.target);
  const delayMs = opts.delayMs ?? 0;
  const stallMs = opts.stallMs ?? 120_000;
  let stats = emptyStats();
  let fault: ((req: ProxyRequest) => FaultMode | undefined) | undefined;
  let paused = false;
  let inFlight = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

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
    res.on('close', () => inFlight--);
    if (method === 'OPTIONS') stats.options++;
    const per = stats.perKey.get(key) ?? { requests: 0, bytes: 0, ranges: [] };
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
      const up = httpRequest(
        { protocol: target.protocol, hostname: target.hostname, port: target.port, method, path: url, headers },
        (upRes) => {
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
          let sent = 0;
          let done = false;
          const started = Date.now();
          // A client that went away gets nothing more, and nothing more is counted.
          res.on('close', () => {
            done = true;
            upRes.destroy();
          });
          upRes.on('data', (chunk: Buffer) => {
            if (done || res.destroyed) return;
            const room = cut - sent;
            let part = chunk.length > room ? chunk.subarray(0, room) : chunk;
            if (mode === 'corrupt' && isBody && sent === 0 && part.length > 0) {
              part = Buffer.from(part);
              part[0] = part[0]! ^ 0xff;
            }
            if (part.length > 0) {
              res.write(part);
              sent += part.length;
              stats.bytesOut += part.length;
              per.bytes += part.length;
            }
            if (opts.bytesPerSecond && !done) {
              const due = started + (sent / opts.bytesPerSecond) * 1000 - Date.now();
              if (due > 5) {
                upRes.pause();
                later(due, () => upRes.resume());
              }
            }
            if (sent >= cut) {
              done = true;
              upRes.destroy();
              if (mode === 'short-body') res.end();
              else if (mode === 'reset-mid-body') later(20, () => res.socket?.destroy());
              else later(stallMs, () => res.socket?.destroy());
            }
          });
          upRes.on('end', () => {
            if (!done) res.end();
          });
          upRes.on('error', () => res.socket?.destroy());
        },
      );
      up.on('error', () => res.socket?.destroy());
      req.pipe(up);
    };
    if (delayMs > 0) later(delayMs, forward);
    else forward();
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    if (paused) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    endpoint: `http://${host}:${port}`,
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
      for (const s of sockets) s.destroy();
    },
    resume() {
      paused = false;
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
