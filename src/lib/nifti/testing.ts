// Test-only helpers (never imported by the app): a large, realistically incompressible .nii.gz built
// once per machine in the temp folder (not in git), and a loopback proxy that counts response bytes.
import { createReadStream, createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { encodeNifti } from './encode.ts';

/** 128×128×64×100 int16 = 200 MiB of voxels, pseudo-random so gzip cannot shrink it. */
export const BIG_DIMS = [128, 128, 64, 100] as const;

function* randomChunks(totalBytes: number, seed: number): Generator<Uint8Array> {
  let x = seed >>> 0 || 1;
  const chunk = 1 << 20;
  for (let done = 0; done < totalBytes; done += chunk) {
    const words = new Uint32Array(Math.min(chunk, totalBytes - done) / 4);
    for (let i = 0; i < words.length; i++) {
      // xorshift32: deterministic, fast, and incompressible enough for deflate.
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      words[i] = x;
    }
    yield new Uint8Array(words.buffer);
  }
}

/** Path of the big .nii.gz, generated deterministically on first use. */
export async function bigNiftiGz(): Promise<{ path: string; size: number; header: Uint8Array }> {
  const [nx, ny, nz, nt] = BIG_DIMS;
  const small = encodeNifti({
    dims: [nx, ny, nz, 1],
    datatype: 'int16',
    data: new Int16Array(nx * ny * nz),
    affine: [[2, 0, 0, -127], [0, 2, 0, -127], [0, 0, 2, -63], [0, 0, 0, 1]],
    description: 'pseudo-random 200 MiB test image',
    pixdim: [2, 2, 2, 0.8],
  });
  const header = small.slice(0, 352);
  new DataView(header.buffer).setInt16(40 + 4 * 2, nt, true); // dim[4] = frames
  const path = join(tmpdir(), `s3bids-big-${nx}x${ny}x${nz}x${nt}-v1.nii.gz`);
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.part`;
    const body = Readable.from(
      (function* () {
        yield header;
        yield* randomChunks(nx * ny * nz * nt * 2, 12345);
      })(),
    );
    await pipeline(body, createGzip({ level: 1 }), createWriteStream(tmp));
    renameSync(tmp, path);
  }
  return { path, size: statSync(path).size, header };
}

export const fileStream = (path: string) => createReadStream(path);

/**
 * A loopback HTTP proxy to `target` that counts the response body bytes it relays; `ignoreRange` drops
 * the Range header, as a plain static file server would.
 */
export async function countingProxy(target: string, opts: { ignoreRange?: boolean } = {}): Promise<{ endpoint: string; bytes(): number; requests(): number; reset(): void; close(): Promise<void> }> {
  const t = new URL(target);
  let bytes = 0;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const headers = { ...req.headers, host: t.host };
    if (opts.ignoreRange) delete headers.range;
    const up = request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.on('data', (c: Buffer) => (bytes += c.length));
        upRes.pipe(res);
        // Stop relaying when the client hangs up (a cancelled read), as a real server would.
        res.on('close', () => upRes.destroy());
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bytes: () => bytes,
    requests: () => requests,
    reset: () => {
      bytes = 0;
      requests = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
