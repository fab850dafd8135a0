// One loopback HTTP server for the harness's proxies: bound to a loopback address only (never another
// interface), on the port the system picks, with its open sockets tracked so a proxy can drop them all
// (a pause, going offline, stopping).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface LoopbackServer {
  server: Server;
  host: string;
  port: number;
  endpoint: string;
  /** Destroys every open connection (clients see a reset). */
  dropSockets(): void;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  opts: { host?: string; port?: number; refuseConnection?: () => boolean } = {},
): Promise<LoopbackServer> {
  const server = createServer(handle);
  server.keepAliveTimeout = 30_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    if (opts.refuseConnection?.()) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const dropSockets = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    server,
    host,
    port,
    endpoint: `http://${host}:${port}`,
    dropSockets,
    async close() {
      dropSockets();
      if (!server.listening) return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
