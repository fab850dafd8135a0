// "Look before you download", so a user can check a file before saving gigabytes: one key's NIfTI header,
// slice preview and sidecar metadata, plus an editor that saves a sidecar locally or, with credentials, to S3.
import type { S3Client } from '@aws-sdk/client-s3';
import {
  isS3BIDSError,
  parseJsonObject,
  relativeKey,
  planNiftiVolume,
  readNiftiHeader,
  readNiftiVolume,
  resolveSidecar,
  s3JsonRead,
  s3JsonWrite,
  stringifyJson,
  writeJson,
  type LocalDir,
  type NiftiHeaderInfo,
  type NiftiVolume,
  type ResolvedSidecar,
  type VolumePlan,
} from '../lib/index.ts';
import { describeProblem, type Problem } from './errors.ts';

export interface InspectOptions {
  /** Ask before a slice preview downloads more than this many bytes (the engine's default otherwise). */
  confirmAbove?: number;
  /** Ask before holding more than this many uncompressed bytes (the engine's default, 512 MiB, otherwise). */
  holdAbove?: number;
}

/** Where the inspector reads from and may write to; a getter so it follows the app's current study. */
export interface InspectSource {
  /** The client the study is read with (anonymous or with credentials). */
  client: S3Client;
  bucket: string;
  /** The study prefix (no trailing `/`): local paths are keys with it removed, as downloads lay them out. */
  prefix: string;
  /** Every key of the study, for sidecar inheritance. */
  keys: readonly string[];
  /** Keys of the current plan: listed first when looking for a file. */
  planned?: readonly string[];
  /** A client with credentials, when the user gave some: enables "Save to S3". */
  writeClient?: S3Client | undefined;
  /** The chosen local folder, when there is one: enables "Save to folder". */
  localDir?: LocalDir | undefined;
}

export const isNifti = (key: string) => /\.nii(\.gz)?$/i.test(key);
const INSPECTABLE = /\.(nii(\.gz)?|json)$/i;

type Status = 'idle' | 'loading' | 'ready' | 'error';
export type ViewerStatus = 'closed' | 'confirm' | 'loading' | 'ready' | 'error';

export class InspectState {
  readonly #source: () => InspectSource;
  readonly #confirmAbove: number | undefined;
  readonly #holdAbove: number | undefined;
  #abort: AbortController | undefined;
  #viewerAbort: AbortController | undefined;

  #key = $state<string | undefined>(undefined);
  #header = $state.raw<NiftiHeaderInfo | undefined>(undefined);
  #headerStatus = $state<Status>('idle');
  #headerProblem = $state.raw<Problem | undefined>(undefined);
  #sidecar = $state.raw<ResolvedSidecar | undefined>(undefined);
  #sidecarStatus = $state<Status>('idle');
  #sidecarProblem = $state.raw<Problem | undefined>(undefined);
  #viewer = $state<ViewerStatus>('closed');
  #plan = $state.raw<VolumePlan | undefined>(undefined);
  #volume = $state.raw<NiftiVolume | undefined>(undefined);
  #viewerProblem = $state.raw<Problem | undefined>(undefined);
  #viewerBytes = $state(0);
  #maxFrames = $state(1);
  #editKey = $state<string | undefined>(undefined);
  #editText = $state('');
  #editProblem = $state.raw<Problem | undefined>(undefined);
  #saved = $state<string | undefined>(undefined);
  #saving = $state(false);

  constructor(source: () => InspectSource, opts: InspectOptions = {}) {
    this.#source = source;
    this.#confirmAbove = opts.confirmAbove;
    this.#holdAbove = opts.holdAbove;
  }

  get key() { return this.#key; }
  get header() { return this.#header; }
  get headerStatus() { return this.#headerStatus; }
  get headerProblem() { return this.#headerProblem; }
  get sidecar() { return this.#sidecar; }
  get sidecarStatus() { return this.#sidecarStatus; }
  get sidecarProblem() { return this.#sidecarProblem; }
  /** The merged sidecar as text, exactly as it would be saved. */
  get sidecarText() { return this.#sidecar ? stringifyJson(this.#sidecar.data) : ''; }
  get viewer() { return this.#viewer; }
  get plan() { return this.#plan; }
  get volume() { return this.#volume; }
  get viewerProblem() { return this.#viewerProblem; }
  get viewerBytes() { return this.#viewerBytes; }
  get maxFrames() { return this.#maxFrames; }
  get editKey() { return this.#editKey; }
  get editText() { return this.#editText; }
  set editText(t: string) { this.#editText = t; this.#saved = undefined; this.#editProblem = undefined; }
  get editProblem() { return this.#editProblem; }
  /** Where the last save went ("s3://…" or a local path), until the text changes again. */
  get saved() { return this.#saved; }
  get saving() { return this.#saving; }
  get canSaveS3() { return this.#source().writeClient !== undefined; }
  get canSaveLocal() { return this.#source().localDir !== undefined; }
  /** The edited file's path in the local folder: the key without the study prefix. */
  get localPath() {
    const k = this.#editKey;
    return k === undefined ? undefined : this.nameOf(k);
  }

  /** Images and sidecars whose key contains `query` (any case): the planned ones first, then the rest of the study. */
  find(query: string, limit = 200): string[] {
    const src = this.#source();
    let f = this.#findable;
    // Built once per study and plan, not per keystroke: a study can hold 76,000 keys.
    if (!f || f.planned !== src.planned || f.keys !== src.keys) {
      const all = [...new Set([...(src.planned ?? []), ...src.keys])].filter((k) => INSPECTABLE.test(k));
      f = this.#findable = { planned: src.planned, keys: src.keys, all, lower: all.map((k) => k.toLowerCase()) };
    }
    const q = query.trim().toLowerCase();
    if (!q) return f.all.slice(0, limit);
    const out: string[] = [];
    for (let i = 0; i < f.all.length && out.length < limit; i++) if (f.lower[i]!.includes(q)) out.push(f.all[i]!);
    return out;
  }
  #findable: { planned: readonly string[] | undefined; keys: readonly string[]; all: string[]; lower: string[] } | undefined;

  /** A key as the file list shows it: relative to the study. */
  nameOf(key: string): string {
    return relativeKey(key, this.#source().prefix) ?? key;
  }

  /** Shows one key: its header when it is NIfTI, and its resolved sidecar. */
  async inspect(key: string): Promise<void> {
    this.#abort?.abort();
    this.closeViewer();
    const ac = (this.#abort = new AbortController());
    this.#key = key;
    this.#header = undefined;
    this.#headerProblem = undefined;
    this.#sidecar = undefined;
    this.#sidecarProblem = undefined;
    this.#editKey = undefined;
    this.#editText = '';
    this.#saved = undefined;
    await Promise.all([this.#loadHeader(key, ac.signal), this.#loadSidecar(key, ac.signal)]);
  }

  async #loadHeader(key: string, signal: AbortSignal): Promise<void> {
    if (!isNifti(key)) return void (this.#headerStatus = 'idle');
    const src = this.#source();
    this.#headerStatus = 'loading';
    try {
      const h = await readNiftiHeader(src.client, src.bucket, key, { signal });
      if (signal.aborted) return;
      this.#header = h;
      this.#maxFrames = Math.min(this.#maxFrames, h.dims.slice(3).reduce((a, b) => a * b, 1)) || 1;
      this.#headerStatus = 'ready';
    } catch (e) {
      if (signal.aborted) return;
      this.#headerProblem = describeProblem(e);
      this.#headerStatus = 'error';
    }
  }

  async #loadSidecar(key: string, signal: AbortSignal): Promise<void> {
    const src = this.#source();
    this.#sidecarStatus = 'loading';
    try {
      const read = (k: string) => s3JsonRead(src.client, src.bucket, k, { signal });
      const r = await resolveSidecar(key, src.keys, read);
      if (signal.aborted) return;
      this.#sidecar = r;
      this.#sidecarStatus = 'ready';
      this.startEdit(r.files.at(-1) ?? (key.endsWith('.json') ? key : sidecarKeyFor(key)));
    } catch (e) {
      if (signal.aborted) return;
      this.#sidecarProblem = describeProblem(e);
      this.#sidecarStatus = 'error';
    }
  }

  /** Loads one sidecar file into the editor (a new file starts as `{}`). */
  async startEdit(fileKey: string): Promise<void> {
    const src = this.#source();
    this.#editKey = fileKey;
    this.#saved = undefined;
    this.#editProblem = undefined;
    try {
      this.#editText = stringifyJson(await s3JsonRead(src.client, src.bucket, fileKey));
    } catch (e) {
      if (isS3BIDSError(e, 'NotFound')) this.#editText = '{\n}\n';
      else this.#editProblem = describeProblem(e);
    }
  }

  #parsedEdit(): unknown {
    return parseJsonObject(this.#editText, this.#editKey ?? 'the sidecar');
  }

  /** Saves the edited sidecar into the chosen local folder, at its download path. */
  async saveLocal(): Promise<void> {
    const src = this.#source();
    const path = this.localPath;
    if (!src.localDir || !path) return;
    await this.#save(async () => {
      await writeJson(src.localDir!, path, this.#parsedEdit());
      return path;
    });
  }

  /** Saves the edited sidecar back to S3; needs credentials (the engine refuses otherwise). */
  async saveS3(): Promise<void> {
    const src = this.#source();
    const key = this.#editKey;
    if (!key) return;
    const ok = await this.#save(async () => {
      await s3JsonWrite(src.writeClient ?? src.client, src.bucket, key, this.#parsedEdit());
      return `s3://${src.bucket}/${key}`;
    });
    // The merged view must show what is now on S3.
    if (ok && this.#key) await this.#loadSidecarKeepEditor(this.#key);
  }

  async #loadSidecarKeepEditor(key: string): Promise<void> {
    const [editKey, text, saved] = [this.#editKey, this.#editText, this.#saved];
    await this.#loadSidecar(key, (this.#abort ?? new AbortController()).signal);
    if (editKey) [this.#editKey, this.#editText, this.#saved] = [editKey, text, saved];
  }

  async #save(run: () => Promise<string>): Promise<boolean> {
    this.#saving = true;
    this.#editProblem = undefined;
    this.#saved = undefined;
    try {
      this.#saved = await run();
      return true;
    } catch (e) {
      this.#editProblem = describeProblem(e);
      return false;
    } finally {
      this.#saving = false;
    }
  }

  setMaxFrames(n: number): void {
    const total = this.#header ? this.#header.dims.slice(3).reduce((a, b) => a * b, 1) : 1;
    this.#maxFrames = Math.max(1, Math.min(total, Math.floor(n) || 1));
    if (this.#viewer === 'confirm' && this.#header) this.#plan = this.#volumePlan(this.#header);
  }

  #volumePlan(h: NiftiHeaderInfo): VolumePlan {
    return planNiftiVolume(h, {
      maxFrames: this.#maxFrames,
      ...(this.#confirmAbove !== undefined ? { confirmAbove: this.#confirmAbove } : {}),
      ...(this.#holdAbove !== undefined ? { holdAbove: this.#holdAbove } : {}),
    });
  }

  /** Opens the slice viewer: asks first when the download is large, else fetches at once. */
  async openViewer(): Promise<void> {
    const h = this.#header;
    if (!h) return;
    this.#plan = this.#volumePlan(h);
    this.#viewerProblem = undefined;
    if (this.#plan.tooLarge) {
      // The engine refuses it before any request; let it say why.
      const src = this.#source();
      const refusal = await readNiftiVolume(src.client, src.bucket, this.#key ?? '', { header: h, maxFrames: this.#maxFrames }).then(
        () => new Error('refused'),
        (e: unknown) => e,
      );
      this.#viewerProblem = describeProblem(refusal);
      this.#viewer = 'error';
    } else if (this.#plan.needsConfirmation) this.#viewer = 'confirm';
    else await this.confirmViewer();
  }

  /** The user said yes to the download the plan describes. */
  async confirmViewer(): Promise<void> {
    const h = this.#header;
    const key = this.#key;
    if (!h || !key) return;
    const src = this.#source();
    this.#viewerAbort?.abort();
    const ac = (this.#viewerAbort = new AbortController());
    this.#viewer = 'loading';
    this.#viewerBytes = 0;
    this.#viewerProblem = undefined;
    try {
      const v = await readNiftiVolume(src.client, src.bucket, key, {
        header: h,
        maxFrames: this.#maxFrames,
        signal: ac.signal,
        ...(this.#holdAbove !== undefined ? { holdAbove: this.#holdAbove } : {}),
        confirm: () => true, // the user already confirmed in the page
        onProgress: (n) => (this.#viewerBytes = n),
      });
      if (ac.signal.aborted) return;
      this.#volume = v;
      this.#viewer = 'ready';
    } catch (e) {
      if (ac.signal.aborted) return;
      this.#viewerProblem = describeProblem(e);
      this.#viewer = 'error';
    }
  }

  closeViewer(): void {
    this.#viewerAbort?.abort();
    this.#viewerAbort = undefined;
    this.#viewer = 'closed';
    this.#volume = undefined;
    this.#plan = undefined;
    this.#viewerProblem = undefined;
  }
}

/** The sidecar a data file would have next to it: same name, `.json` extension. */
export function sidecarKeyFor(dataKey: string): string {
  const slash = dataKey.lastIndexOf('/');
  const dot = dataKey.indexOf('.', slash + 1);
  return (dot < 0 ? dataKey : dataKey.slice(0, dot)) + '.json';
}
