// `.s3bids/manifest.json`: what the app saved into this folder, so a later run can skip complete files
// by size and ETag, and resume partial ones only when they came from the same object version.
import type { DownloadOptions } from '../plan/index.ts';
import { MANIFEST_PATH } from './paths.ts';
import type { SaveTarget } from './types.ts';

/** What the study looked like when it was saved. Never holds credentials. */
export interface ManifestMeta {
  endpoint?: string;
  bucket?: string;
  prefix?: string;
  studyId?: string;
  /** HBN site, when the study is one. */
  site?: string;
  /** Subject ids selected. */
  selection?: string[];
  seed?: number;
  options?: DownloadOptions;
}

export interface ManifestFile {
  key: string;
  size: number;
  etag: string;
  lastModified?: string;
  localPath: string;
  savedAt: string;
}

/** A file under `.s3bids/partial/`: which object version its bytes came from. */
export interface ManifestPartial {
  key: string;
  etag: string;
  size: number;
}

export interface Manifest {
  version: 1;
  study: ManifestMeta;
  files: Record<string, ManifestFile>;
  partial: Record<string, ManifestPartial>;
  updatedAt: string;
}

export const emptyManifest = (): Manifest => ({ version: 1, study: {}, files: {}, partial: {}, updatedAt: new Date().toISOString() });

const SECRET = /secret|credential|token|password|accesskey|sessionkey/i;

/** Drops anything that looks like a secret, however it got into the metadata. */
function scrub<T>(value: T): T {
  if (Array.isArray(value)) return value.map(scrub) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!SECRET.test(k)) out[k] = scrub(v);
    return out as T;
  }
  return value;
}

/** Reads the manifest; a missing or unreadable one is treated as empty (the app then trusts sizes only). */
export async function readManifest(target: SaveTarget): Promise<Manifest> {
  const text = await target.readText(MANIFEST_PATH).catch(() => undefined);
  if (!text) return emptyManifest();
  try {
    const m = JSON.parse(text) as Partial<Manifest>;
    if (m.version !== 1 || typeof m.files !== 'object' || !m.files) return emptyManifest();
    return { version: 1, study: m.study ?? {}, files: m.files, partial: m.partial ?? {}, updatedAt: m.updatedAt ?? '' };
  } catch {
    return emptyManifest();
  }
}

export function serializeManifest(m: Manifest): string {
  return JSON.stringify({ ...m, study: scrub(m.study), updatedAt: new Date().toISOString() }, null, 1);
}

/**
 * Serialises manifest writes and coalesces them: at most one write in flight and one queued,
 * and `flushSoon` writes at most every `intervalMs`.
 */
export class ManifestWriter {
  #pending: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #dirty = false;
  #queued = false;
  #errors: unknown[] = [];

  constructor(
    readonly target: SaveTarget,
    readonly manifest: Manifest,
    readonly intervalMs = 2000,
  ) {}

  /** Marks the manifest changed; it is written within `intervalMs`. */
  flushSoon(): void {
    this.#dirty = true;
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Writes now (after any write in flight); resolves once the current state is on disk. */
  flush(): Promise<void> {
    this.#dirty = true;
    if (this.#queued) return this.#pending;
    this.#queued = true;
    this.#pending = this.#pending.then(async () => {
      this.#queued = false;
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        await this.target.writeText(MANIFEST_PATH, serializeManifest(this.manifest));
      } catch (e) {
        this.#errors.push(e);
      }
    });
    return this.#pending;
  }

  async close(): Promise<unknown[]> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    return this.#errors;
  }
}
