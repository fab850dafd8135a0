// The engine in Chromium for scripts/bench.ts: each function runs one scenario and returns timings
// measured inside the page (performance.now), so Playwright's own overhead is not counted.
import { ListingCache, cachedListing } from '../../src/lib/cache/index.ts';
import { idbListingStore } from '../../src/lib/cache/store.ts';
import { createS3Client, listAll, objectUrl } from '../../src/lib/s3/index.ts';
import { listStudy } from '../../src/lib/s3/list-study.ts';
import { directoryHandleTarget, executePlan } from '../../src/lib/save/index.ts';
import type { DownloadPlan } from '../../src/lib/plan/index.ts';

interface Where {
  endpoint: string;
  bucket: string;
  prefix: string;
}

const cache = () => new ListingCache({ store: idbListingStore() });

// The run in progress, so the driver can stop it (a run past its time limit must not go on underneath the next).
let current = new AbortController();
const fresh = () => (current = new AbortController()).signal;

async function opfsDir(name: string): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(name, { recursive: true }).catch(() => undefined);
  return root.getDirectoryHandle(name, { create: true });
}

const api = {
  /** A first visit: list the study from S3 (then cache it, not timed). */
  async listCold(w: Where) {
    const client = createS3Client({ endpoint: w.endpoint });
    const t = performance.now();
    const listing = await listStudy(client, w.bucket, w.prefix, { concurrency: 8 });
    const ms = performance.now() - t;
    const stored = await cache().put(listing);
    return { ms, keys: listing.keys.length, stored };
  },

  /** The reference: one sequential ListObjectsV2 pass over the whole prefix, in the page. */
  async listSingle(w: Where) {
    const client = createS3Client({ endpoint: w.endpoint });
    const t = performance.now();
    const keys = await listAll(client, w.bucket, `${w.prefix}/`);
    return { ms: performance.now() - t, keys: keys.length };
  },

  /** A revisit: time until the cached copy is in hand; the background revalidation is awaited untimed. */
  async listCached(w: Where) {
    const client = createS3Client({ endpoint: w.endpoint });
    const t = performance.now();
    const r = await cachedListing(client, w.bucket, w.prefix, { cache: cache(), concurrency: 8 });
    const ms = performance.now() - t;
    const keys = r.cached?.listing.keys.length ?? 0;
    const fresh = await r.fresh;
    return { ms, keys, changed: fresh.changed };
  },

  /** Our saver (executePlan) into an OPFS folder; `mirrors`: more endpoints, each a host pool (docs/hosts.md). */
  async save(w: Where & { dir: string; concurrency?: number; mirrors?: string[] }) {
    const client = createS3Client({ endpoint: w.endpoint, ...(w.mirrors ? { mirrors: w.mirrors } : {}) });
    const objects = await listAll(client, w.bucket, `${w.prefix}/`);
    const plan: DownloadPlan = {
      bucket: w.bucket,
      prefix: w.prefix,
      entries: objects.map((o) => ({ key: o.key, size: o.size, etag: o.etag, localPath: o.key.slice(w.prefix.length + 1), action: 'download' })),
    };
    const target = directoryHandleTarget(await opfsDir(w.dir));
    const signal = fresh();
    const t = performance.now();
    const report = await executePlan({ client, plan, target, ...(w.concurrency ? { concurrency: w.concurrency } : {}), control: { signal } });
    const ms = performance.now() - t;
    return { ms, files: report.downloaded, failed: report.failed.length, bytes: report.bytes };
  },

  /**
   * The ceiling: a minimal fetch → pipeTo loop at the same concurrency, flat file names, nothing else;
   * with `mirrors`, requests go round the hosts in turn.
   */
  async ceiling(w: Where & { dir: string; concurrency: number; mirrors?: string[] }) {
    const client = createS3Client({ endpoint: w.endpoint });
    const hosts = [client, ...(w.mirrors ?? []).map((endpoint) => createS3Client({ endpoint }))];
    const objects = await listAll(client, w.bucket, `${w.prefix}/`);
    const dir = await opfsDir(w.dir);
    const signal = fresh();
    const t = performance.now();
    let next = 0;
    let bytes = 0;
    const worker = async () => {
      while (next < objects.length && !signal.aborted) {
        const i = next++;
        const o = objects[i]!;
        const res = await fetch(objectUrl(hosts[i % hosts.length]!, w.bucket, o.key), { cache: 'no-store', signal });
        const fh = await dir.getFileHandle(o.key.replace(/\//g, '_'), { create: true });
        await res.body!.pipeTo(await fh.createWritable());
        bytes += o.size;
      }
    };
    await Promise.all(Array.from({ length: w.concurrency }, worker));
    return { ms: performance.now() - t, files: objects.length, failed: 0, bytes };
  },

  /**
   * Chromium's own ceiling for small files: `files` files of `size` bytes written from memory into OPFS,
   * `concurrency` at a time, the way the saver writes each (createWritable, write, close). No network.
   */
  async writeOnly(w: { dir: string; files: number; size: number; concurrency: number }) {
    const dir = await opfsDir(w.dir);
    const bytes = new Uint8Array(w.size).fill(7);
    const t = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < w.files) {
        const i = next++;
        const fh = await dir.getFileHandle(`f${i}.bin`, { create: true });
        const out = await fh.createWritable();
        await out.write(bytes);
        await out.close();
      }
    };
    await Promise.all(Array.from({ length: w.concurrency }, worker));
    return { ms: performance.now() - t, files: w.files, failed: 0, bytes: w.files * w.size };
  },

  /** Stops the run in progress (its call then settles). */
  abort() {
    current.abort();
  },

  async clearOpfs() {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys())
      await root.removeEntry(name, { recursive: true }).catch(() => undefined);
  },
};

(window as unknown as { bench: typeof api }).bench = api;
document.title = 'bench ready';
