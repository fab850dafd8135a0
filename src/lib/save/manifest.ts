// `.s3bids/manifest.json` (docs/contract.md, "Overwrite, skip, resume, verify"): what the app saved into this folder, so a later run can skip complete files
// by size and ETag, and resume partial ones only when they came from the same object version.
import type { DownloadOptions } from '../plan/index.ts';
import { MANIFEST_PATH } from './app-folder.ts';
import type { SaveTarget, VerifyMethod } from './types.ts';
import type { Check } from './verify.ts';

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
  /** The bucket the bytes came from (a folder may hold several studies: docs/folders.md). */
  bucket?: string;
  size: number;
  etag: string;
  lastModified?: string;
  localPath: string;
  savedAt: string;
  /** How the bytes were checked when saved (absent in manifests written before this was kept). */
  verifiedBy?: VerifyMethod;
  /** Set when the file was edited through the app after saving (the inspector's sidecar editor): a later save keeps it. */
  editedAt?: string;
}

/** A file under `.s3bids/partial/`: which object version its bytes came from. */
export interface ManifestPartial {
  key: string;
  etag: string;
  size: number;
  /** What the whole file must check out as, learned from the first GET (a resumed GET carries no checksum). */
  check?: Check;
}

export interface Manifest {
  version: 1;
  /** The study the last run saved. */
  study: ManifestMeta;
  /** Every study saved into this folder (the last run's included), one per endpoint, bucket and prefix. */
  studies: ManifestMeta[];
  files: Record<string, ManifestFile>;
  partial: Record<string, ManifestPartial>;
  updatedAt: string;
}

export const emptyManifest = (): Manifest => ({ version: 1, study: {}, studies: [], files: {}, partial: {}, updatedAt: new Date().toISOString() });

/** Whether two descriptions name the same study (endpoint, bucket and prefix). */
export const sameStudy = (a: ManifestMeta, b: ManifestMeta) =>
  (a.endpoint ?? '') === (b.endpoint ?? '') && a.bucket === b.bucket && (a.prefix ?? '') === (b.prefix ?? '');

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
    const study = m.study ?? {};
    // Manifests written before several studies were kept describe one study only.
    const studies = Array.isArray(m.studies) ? m.studies : study.bucket ? [study] : [];
    return { version: 1, study, studies, files: m.files, partial: m.partial ?? {}, updatedAt: m.updatedAt ?? '' };
  } catch {
    return emptyManifest();
  }
}

export function serializeManifest(m: Manifest): string {
  return JSON.stringify({ ...m, study: scrub(m.study), studies: scrub(m.studies), updatedAt: new Date().toISOString() }, null, 1);
}

/** A partial file at least this big is recorded on disk at once: worth resuming even after a crash. */
export const RECORD_AT_ONCE_BYTES = 8 * 1024 * 1024;

/**
 * The one owner of a folder's manifest during a run: every update goes through a method here, and the
 * writes are serialised and coalesced (at most one write in flight and one queued; `flushSoon` writes
 * at most every `intervalMs`).
 */
export class FolderManifest {
  readonly #target: SaveTarget;
  readonly #data: Manifest;
  readonly #intervalMs: number;
  #pending: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #dirty = false;
  #queued = false;
  #errors: unknown[] = [];

  constructor(target: SaveTarget, manifest: Manifest = emptyManifest(), intervalMs = 2000) {
    this.#target = target;
    this.#data = manifest;
    this.#intervalMs = intervalMs;
  }

  /** The folder's manifest as it is on disk (empty when missing or unreadable). */
  static async load(target: SaveTarget, intervalMs?: number): Promise<FolderManifest> {
    return new FolderManifest(target, await readManifest(target), intervalMs);
  }

  /** The record of the complete file the app saved at `localPath`, if any. */
  saved(localPath: string): ManifestFile | undefined {
    return this.#data.files[localPath];
  }

  /** Which object version the bytes of `localPath`'s partial file came from, if known. */
  partial(localPath: string): ManifestPartial | undefined {
    return this.#data.partial[localPath];
  }

  /** What is being saved (endpoint, bucket, prefix, selection…); other studies saved here stay listed. */
  recordStudy(meta: ManifestMeta): void {
    this.#data.study = { ...meta };
    this.#data.studies = [...this.#data.studies.filter((s) => !sameStudy(s, meta)), { ...meta }];
  }

  /** A partial file was started for `localPath` from this object version. */
  recordPartial(localPath: string, from: ManifestPartial): void {
    this.#data.partial[localPath] = { key: from.key, etag: from.etag, size: from.size, ...(from.check ? { check: { ...from.check } } : {}) };
    if (from.size >= RECORD_AT_ONCE_BYTES) void this.flush();
    else this.flushSoon();
  }

  /** The partial file of `localPath` was dropped. */
  forgetPartial(localPath: string): void {
    delete this.#data.partial[localPath];
  }

  /** `localPath` is complete, from this object version; its partial record goes. */
  recordSaved(file: Omit<ManifestFile, 'savedAt' | 'editedAt'>): void {
    delete this.#data.partial[file.localPath];
    this.#data.files[file.localPath] = {
      key: file.key,
      ...(file.bucket ? { bucket: file.bucket } : {}),
      size: file.size,
      etag: file.etag,
      ...(file.lastModified ? { lastModified: file.lastModified } : {}),
      localPath: file.localPath,
      savedAt: new Date().toISOString(),
      ...(file.verifiedBy ? { verifiedBy: file.verifiedBy } : {}),
    };
    this.flushSoon();
  }

  /** A copy of the manifest as it stands. */
  snapshot(): Manifest {
    return structuredClone(this.#data);
  }

  /** Marks the manifest changed; it is written within `intervalMs`. */
  flushSoon(): void {
    this.#dirty = true;
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#intervalMs);
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
        await this.#target.writeText(MANIFEST_PATH, serializeManifest(this.#data));
      } catch (e) {
        this.#errors.push(e);
      }
    });
    return this.#pending;
  }

  /** Stops the timer and writes what is left; resolves with every write's error (none: all saved). */
  async close(): Promise<unknown[]> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    return this.#errors;
  }
}

/**
 * Records that the app itself changed a saved file (the sidecar editor), so a later save keeps it as a
 * local edit instead of replacing it (docs/folders.md, "Conflicts"). Files the app never saved are left out.
 */
export async function recordLocalEdit(target: SaveTarget, localPath: string): Promise<void> {
  const m = await readManifest(target);
  const rec = m.files[localPath];
  if (!rec) return;
  rec.editedAt = new Date().toISOString();
  await target.writeText(MANIFEST_PATH, serializeManifest(m));
}
