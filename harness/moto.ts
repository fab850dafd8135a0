// Starts a real S3-compatible server (moto) on a free loopback port, for one test file, the bench or npm start.
// A test that needs it fails (never skips) when moto_server is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  S3Client,
  CreateBucketCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';

export interface Moto {
  endpoint: string;
  port: number;
  /** A signed client for setting up fixtures (moto accepts any keys). */
  admin: S3Client;
  logFile: string;
  /** The moto process, for the bench's CPU accounting. */
  pid: number | undefined;
  createBucket(name: string, opts?: { public?: boolean; cors?: boolean }): Promise<void>;
  /** The CORS rules a public bucket sets (createBucket sets them unless told not to). */
  setCors(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: PutObjectCommandInput['Body'], opts?: { public?: boolean; contentType?: string }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A bucket and its objects, put into moto before it serves (public-read like `createBucket`/`put`; CORS
 * set as `createBucket` sets it). For studies too big to PUT one by one; bodies are text.
 */
export interface Preload {
  bucket: string;
  files: { key: string; body: string }[];
}

export const ADMIN_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host }, () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

export function motoAvailable(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts moto on port 0 and reads the port it bound from its log: choosing a free port first and passing
 * it on would race every other process on the machine that opens a port in between.
 */
async function launch(logFile: string, requested = 0, preloadFile?: string, fastListing = false): Promise<{ child: ChildProcess; port: number }> {
  // Logs go to a file: moto logs every request under a lock, and an undrained pipe deadlocks it.
  const fd = openSync(logFile, 'a');
  const args = ['-H', '127.0.0.1', '-p', String(requested)];
  // With objects to preload or the fast listing: moto's own server, started by harness/moto-server.py
  // (the Python that has moto is the one moto_server runs on: python3).
  const extra = [...(fastListing ? ['--fast-listing'] : []), ...(preloadFile ? ['--preload', preloadFile] : [])];
  const [command, argv] = extra.length ? ['python3', [join(import.meta.dirname, 'moto-server.py'), ...extra, ...args]] : ['moto_server', args];
  const child = spawn(command, argv, {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', PYTHONUNBUFFERED: '1' },
  });
  closeSync(fd);
  let exited: number | null = null;
  let spawnError: Error | undefined;
  child.on('exit', (code) => (exited = code ?? -1));
  child.on('error', (e) => (spawnError = e));
  // Generous: starting Python and importing moto takes seconds on a busy machine; putting tens of
  // thousands of objects in first, about a minute more.
  const limitS = preloadFile ? 600 : 90;
  const deadline = Date.now() + limitS * 1000;
  while (Date.now() < deadline) {
    if (spawnError)
      throw new Error(
        `moto_server could not be started (${spawnError.message}). Install it: pip install "moto[server]" (see README).`,
      );
    if (exited !== null) throw new Error(`moto_server exited with code ${exited}; see ${logFile}`);
    const bound = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(logFile, 'utf8'));
    if (bound && (await portOpen(Number(bound[1])))) return { child, port: Number(bound[1]) };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not start listening within ${limitS} s; see ${logFile}`);
}

/** True when something already listens on the loopback `port`. */
export const portInUse = (port: number) => portOpen(port);

/**
 * `port`: a fixed port (npm start keeps the demo's address stable, so a saved link keeps working); the
 * caller checks it is free first. Tests leave it out and get a free one.
 * `fastListing`: ListObjectsV2 from a sorted index, written directly, at a small cost per page that does
 * not grow with the bucket, as on S3 (harness/README.md, "The bench's moto"); the bench lists through it.
 */
export async function startMoto(opts: { port?: number; preload?: Preload[]; fastListing?: boolean } = {}): Promise<Moto> {
  const dir = mkdtempSync(join(tmpdir(), 's3bids-moto-'));
  const logFile = join(dir, 'moto.log');
  let preloadFile: string | undefined;
  if (opts.preload?.length) {
    preloadFile = join(dir, 'preload.jsonl');
    const lines: string[] = [];
    for (const p of opts.preload) {
      lines.push(JSON.stringify({ bucket: p.bucket }));
      for (const f of p.files) lines.push(JSON.stringify({ bucket: p.bucket, key: f.key, body: f.body }));
    }
    writeFileSync(preloadFile, lines.join('\n') + '\n');
  }
  const { child, port } = await launch(logFile, opts.port ?? 0, preloadFile, opts.fastListing);
  const endpoint = `http://127.0.0.1:${port}`;
  const admin = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: ADMIN_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // As public buckets set it: GET/HEAD from any origin, no allowed request headers.
  const setCors = async (bucket: string) => {
    await admin.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: ['*'],
              AllowedMethods: ['GET', 'HEAD'],
              ExposeHeaders: ['ETag', 'Content-Length', 'Content-Range', 'Accept-Ranges', 'Last-Modified', 'Content-Type'],
              MaxAgeSeconds: 3000,
            },
          ],
        },
      }),
    );
  };
  for (const p of opts.preload ?? []) await setCors(p.bucket);
  const stopChild = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 2000).unref();
    });
  return {
    pid: child.pid,
    endpoint,
    port,
    admin,
    logFile,
    async createBucket(name, opts = {}) {
      const pub = opts.public ?? true;
      await admin.send(new CreateBucketCommand({ Bucket: name, ...(pub ? { ACL: 'public-read' } : {}) }));
      if (opts.cors ?? true) await setCors(name);
    },
    setCors,
    async put(bucket, key, body, opts = {}) {
      await admin.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ...(opts.public ?? true ? { ACL: 'public-read' } : {}),
          ...(opts.contentType ? { ContentType: opts.contentType } : {}),
        }),
      );
    },
    async stop() {
      admin.destroy();
      await stopChild(child);
    },
  };
}
