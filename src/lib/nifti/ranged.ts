import type { S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError, throwIfAborted } from '../errors/index.ts';
import { getObject } from '../s3/index.ts';

/**
 * An object read as successive, growing Range requests, each made only when the reader asks for it:
 * nothing is fetched ahead, so `bytesTransferred` is exactly what crossed the network.
 */
export interface RangedSource {
  /** The next chunk, or undefined at the end of the object (or of `limit`). */
  next(): Promise<Uint8Array | undefined>;
  readonly bytesTransferred: number;
  /** The whole object's size, known after the first response. */
  readonly objectSize: number | undefined;
  /** The first chunk, already fetched (to sniff gzip magic bytes); `next()` hands it out first. */
  readonly first: Uint8Array;
  /** False when the server ignored Range and sent the whole object. */
  readonly rangeSupported: boolean;
  /** Stops a whole-object response a Range-ignoring server sent; a no-op after Range reads. */
  close(): void;
}

export interface RangedOptions {
  signal?: AbortSignal | undefined;
  /** Size of the first request; later requests double, up to `maxChunk`. */
  firstChunk?: number;
  maxChunk?: number;
  /** Never request bytes at or past this offset (a plain .nii needs an exact prefix). */
  limit?: number;
  onBytes?: (n: number) => void;
}

async function readAll(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined, where: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await new Response(body).arrayBuffer());
  } catch (e) {
    throwIfAborted(signal);
    throw new S3BIDSError('Network', `The connection broke while reading ${where}; try again.`, { cause: e, retryable: true });
  }
}

export async function openRanged(client: S3Client, bucket: string, key: string, opts: RangedOptions = {}): Promise<RangedSource> {
  const where = `s3://${bucket}/${key}`;
  const maxChunk = opts.maxChunk ?? 8 * 1024 * 1024;
  let chunk = opts.firstChunk ?? 4096;
  let transferred = 0;
  let objectSize: number | undefined;
  let pos = 0;

  // A server that ignores Range (a plain static server) answers 200 with the whole object: read that
  // one body chunk by chunk instead, and cancel it when the reader has enough.
  let whole: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const count = (b: Uint8Array) => {
    transferred += b.length;
    opts.onBytes?.(b.length);
    return b;
  };
  const readWhole = async (): Promise<Uint8Array | undefined> => {
    try {
      const { done, value } = await whole!.read();
      return done ? undefined : count(value);
    } catch (e) {
      throwIfAborted(opts.signal);
      throw new S3BIDSError('Network', `The connection broke while reading ${where}; try again.`, { cause: e, retryable: true });
    }
  };

  const fetchNext = async (): Promise<Uint8Array | undefined> => {
    if (whole) return readWhole();
    const stop = Math.min(objectSize ?? Infinity, opts.limit ?? Infinity);
    if (pos >= stop) return undefined;
    const res = await getObject(client, bucket, key, { start: pos, end: Math.min(pos + chunk, stop) - 1, signal: opts.signal });
    if (res.status !== 206) {
      objectSize = res.totalSize;
      whole = res.body.getReader();
      return readWhole();
    }
    const bytes = count(await readAll(res.body, opts.signal, where));
    objectSize = res.totalSize ?? objectSize;
    pos += bytes.length;
    chunk = Math.min(chunk * 2, maxChunk);
    return bytes;
  };

  let first: Uint8Array;
  try {
    first = (await fetchNext()) ?? new Uint8Array(0);
  } catch (e) {
    // S3 answers 416 to a Range on an empty object.
    if (!(e instanceof S3BIDSError && e.status === 416)) throw e;
    first = new Uint8Array(0);
    objectSize = 0;
  }
  let firstTaken = false;
  return {
    async next() {
      if (!firstTaken) {
        firstTaken = true;
        if (first.length) return first;
      }
      return fetchNext();
    },
    get bytesTransferred() {
      return transferred;
    },
    get objectSize() {
      return objectSize;
    },
    first,
    get rangeSupported() {
      return whole === undefined;
    },
    close() {
      whole?.cancel().catch(() => {});
    },
  };
}

/**
 * A byte buffer. Given `exact`, it is allocated once at that size and keeps only the first `exact`
 * bytes (a volume whose size the header gives: no doubling, no copy at the end); otherwise it doubles
 * its capacity (a header whose size is learnt while reading).
 */
class Growing {
  private store: Uint8Array;
  length = 0;
  constructor(private readonly exact?: number) {
    this.store = new Uint8Array(exact ?? 4096);
  }
  append(b: Uint8Array): void {
    if (this.exact !== undefined) {
      const take = Math.min(b.length, this.exact - this.length);
      this.store.set(take === b.length ? b : b.subarray(0, take), this.length);
      this.length += take;
      return;
    }
    if (this.length + b.length > this.store.length) {
      const grown = new Uint8Array(Math.max(this.store.length * 2, this.length + b.length));
      grown.set(this.view());
      this.store = grown;
    }
    this.store.set(b, this.length);
    this.length += b.length;
  }
  view(): Uint8Array {
    return this.store.subarray(0, this.length);
  }
}

export interface PrefixResult {
  bytes: Uint8Array;
  /** The input ended (or broke) before `need` was met. */
  ended: boolean;
  /** What the decompressor threw (corrupt or truncated gzip), if it did. */
  error?: unknown;
}

const STARVED: unique symbol = Symbol('starved');
const WRITTEN: unique symbol = Symbol('written');
// Chromium queues a chunk's output before the write settles; Node's zlib adapter may deliver it a few
// ticks later. Waiting this long for more output costs little and only when more input is truly needed;
// a wrong guess just fetches one more range (still counted exactly).
const STARVED_MS = 25;
const starved = () => new Promise<typeof STARVED>((r) => setTimeout(() => r(STARVED), STARVED_MS));

/**
 * Reads (and, for gzip, inflates) chunks from `src` until `need(bytesSoFar)` bytes are in, asking for
 * the next chunk only once the decompressor has consumed the previous one and handed out all its
 * output. Stops without reading to the end: a truncated gzip read to its end throws.
 */
export async function readPrefix(
  src: Pick<RangedSource, 'next'>,
  gzip: boolean,
  need: (have: Uint8Array) => number,
  signal?: AbortSignal,
  /** The exact number of bytes wanted, when known up front: the output is allocated once at that size. */
  exact?: number,
): Promise<PrefixResult> {
  const out = new Growing(exact);
  const enough = () => out.length >= need(out.view());
  if (!gzip) {
    while (!enough()) {
      throwIfAborted(signal);
      const c = await src.next();
      if (!c) return { bytes: out.view(), ended: true };
      out.append(c);
    }
    return { bytes: out.view(), ended: false };
  }
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const read = () => (pending ??= reader.read());
  let ended = false;
  let error: unknown;
  try {
    input: while (!enough()) {
      throwIfAborted(signal);
      const c = await src.next();
      if (!c) {
        // End of object: let the decompressor flush (a cut-off stream errors here).
        writer.close().catch(() => {});
        for (;;) {
          const r = await read();
          pending = undefined;
          if (r.done || (out.append(r.value), enough())) break input;
        }
      }
      const written = writer.write(c as Uint8Array<ArrayBuffer>).then(
        () => WRITTEN,
        () => WRITTEN,
      );
      let consumed = false;
      while (!enough()) {
        // Once the chunk is consumed and no output follows for a moment, ask for more input.
        const r = await Promise.race([read(), consumed ? starved() : written]);
        if (r === WRITTEN) consumed = true;
        else if (r === STARVED) continue input;
        else if (typeof r === 'object') {
          pending = undefined;
          if (r.done) {
            ended = true;
            break input;
          }
          out.append(r.value);
        }
      }
    }
  } catch (e) {
    if (e instanceof S3BIDSError) throw e;
    error = e;
    ended = true;
  } finally {
    reader.cancel().catch(() => {});
    writer.abort().catch(() => {});
  }
  return { bytes: out.view(), ended: ended || !enough(), ...(error === undefined ? {} : { error }) };
}
