// The plan follows the choice so the user sees what will be saved before saving; then the chosen folder and
// the download running into it.
import { mark } from './marks.ts';
import { untrack } from 'svelte';
import type { S3Client } from '@aws-sdk/client-s3';
import type {
  DownloadControl,
  DownloadOptions,
  DownloadPlan,
  DownloadProgress,
  DownloadReport,
  S3BIDSStudy,
  StudyIndex,
  StudyLocation,
  ByteStory,
} from '../lib/index.ts';
import { planStory } from '../lib/index.ts';
import { PlanTreeState } from './plan-tree.svelte.ts';
import { loadSaver, type Services } from './services.ts';
import { StudyModels } from './study-model.ts';
import { describeProblem, type Problem } from './errors.ts';

export interface PlanSummary {
  files: number;
  bytes: number;
  toDownload: number;
  bytesToDownload: number;
  onDisk: number;
  bytesOnDisk: number;
  refused: number;
  /** Local files that differ from S3 and are kept (edited, or from another study). */
  conflicts: number;
  /** What to know before saving into this folder (it holds another study). */
  warnings: string[];
  /** The one account of bytes (planned = already there + to fetch) that the tree and the report share. */
  story: ByteStory;
}

export interface SaveInput {
  client: S3Client;
  location: StudyLocation;
  /** The open study's index: every plan reads it, nothing is listed or indexed again. */
  index: StudyIndex;
  subjects: string[];
  seed: number | undefined;
  options: DownloadOptions;
}

export function summarisePlan(plan: DownloadPlan): PlanSummary {
  const story = planStory(plan);
  return {
    files: story.planned.files,
    bytes: story.planned.bytes,
    toDownload: story.toFetch.files,
    bytesToDownload: story.toFetch.bytes,
    onDisk: story.there.files,
    bytesOnDisk: story.there.bytes,
    refused: story.refused.files,
    conflicts: story.byState.differs.files,
    warnings: plan.warnings ?? [],
    story,
  };
}

/** What a save ran on: the plan's key and its account of bytes when it started. */
export interface SaveRun {
  planFor: string | undefined;
  story: ByteStory;
}

/** Identifies what a plan is for: the study's location, the chosen subjects and the options. */
export function planKey(input: SaveInput): string {
  const l = input.location;
  return JSON.stringify([l.bucket, l.prefix, l.endpoint ?? '', input.subjects, input.options]);
}

type VerifyMethod = keyof DownloadReport['verifiedBy'];

/** In the order the report names them. */
const VERIFY_WORDS: [VerifyMethod, string][] = [
  ['md5', 'by MD5'],
  ['sha256', 'by SHA-256 checksum'],
  ['sha1', 'by SHA-1 checksum'],
  ['crc64nvme', 'by CRC-64/NVME checksum'],
  ['crc32c', 'by CRC32C checksum'],
  ['crc32', 'by CRC32 checksum'],
  ['size', 'by size only: not verifiable by MD5 (multipart or KMS-encrypted) and no checksum from S3'],
];

/**
 * How the files saved in a run were checked, in plain words (docs/contract.md, "Overwrite, skip, resume,
 * verify"), e.g. "1,990 by MD5, 8 by SHA-256 checksum, 2 by size only: not verifiable by MD5 (…)".
 */
export function describeVerification(r: DownloadReport): string | undefined {
  if (r.downloaded === 0) return undefined;
  const n = (k: number) => k.toLocaleString('en-US');
  if (!r.verify) return `${r.downloaded === 1 ? 'The saved file was' : `All ${n(r.downloaded)} saved files were`} checked by size only: checksum verification is off.`;
  const parts = VERIFY_WORDS.filter(([m]) => (r.verifiedBy[m] ?? 0) > 0).map(([m, words]) => `${n(r.verifiedBy[m]!)} ${words}`);
  return `How the ${r.downloaded === 1 ? 'saved file was' : `${n(r.downloaded)} saved files were`} checked: ${parts.join(', ')}.`;
}

/** How long the plan waits for the choice to settle (typing a glob, stepping through seeds). */
const PLAN_DELAY_MS = 120;

export class SaveState {
  #services: Services;
  #input: () => SaveInput | undefined;
  #stop: () => void;
  #models = new StudyModels();
  #abort: AbortController | undefined;
  #planSeq = 0;
  folder = $state.raw<FileSystemDirectoryHandle | undefined>(undefined);
  /** The folder picked on an earlier visit, offered for resuming. */
  remembered = $state.raw<{ handle: FileSystemDirectoryHandle; name: string } | undefined>(undefined);
  plan = $state.raw<DownloadPlan | undefined>(undefined);
  /** What `plan` was made for (study, subjects, options), to tell a current plan from a stale one. */
  planFor = $state<string | undefined>(undefined);
  planning = $state(false);
  planProblem = $state.raw<Problem | undefined>(undefined);
  running = $state(false);
  progress = $state.raw<DownloadProgress | undefined>(undefined);
  report = $state.raw<DownloadReport | undefined>(undefined);
  /** The plan the report's save ran on. */
  reportRun = $state.raw<SaveRun | undefined>(undefined);
  /** The plan opened as a tree. */
  readonly tree = new PlanTreeState(() => this.plan);
  problem = $state.raw<Problem | undefined>(undefined);
  /** How the last run's files were checked, in plain words. */
  verification = $derived(this.report ? describeVerification(this.report) : undefined);
  /** The model the last plan came from, so the download saves exactly what was shown. */
  #model: S3BIDSStudy | undefined;
  #options: DownloadOptions | undefined;
  #location: StudyLocation | undefined;

  /** `input`: what the plan is for right now, or undefined while there is no study to plan. */
  constructor(services: Services, input: () => SaveInput | undefined = () => undefined) {
    this.#services = services;
    this.#input = input;
    // The plan follows the choice, the options and the folder, and is worked out again after a run (the
    // folder has changed). It is pure, so this costs no request; a run in progress keeps its plan.
    this.#stop = $effect.root(() => {
      $effect(() => {
        const next = this.#input();
        const folder = this.folder;
        // No study to plan (none open, or opening failed): the last study's plan must not linger.
        if (!next) {
          untrack(() => this.#forget());
          return;
        }
        if (this.running) return;
        const t = setTimeout(() => void this.makePlan(next, folder), PLAN_DELAY_MS);
        return () => clearTimeout(t);
      });
    });
  }

  #forget(): void {
    if (this.running) return;
    this.#planSeq++;
    this.plan = undefined;
    this.planFor = undefined;
    this.planning = false;
  }

  /** The plan when it was made for exactly `input`; undefined while it is being worked out or stale. */
  planOf(input: SaveInput | undefined): DownloadPlan | undefined {
    return input && this.planFor === planKey(input) ? this.plan : undefined;
  }

  /** Stops following the choice. */
  dispose(): void {
    this.#stop();
    this.tree.dispose();
  }

  get canPickFolder() {
    return this.#services.pickFolder !== undefined;
  }

  readonly summary = $derived(this.plan ? summarisePlan(this.plan) : undefined);

  /** The report is of a save of another plan: the choice or the options changed since. */
  readonly reportStale = $derived(this.report !== undefined && !this.running && this.reportRun?.planFor !== this.planFor);

  async pickFolder(): Promise<void> {
    if (!this.#services.pickFolder) {
      this.problem = {
        code: 'Unsupported',
        title: 'This browser cannot save into a folder',
        message: 'Use Chrome or Edge to save into a folder, or use the script export to download with the AWS CLI, s5cmd or pyAFQ.',
        action: 'export',
      };
      return;
    }
    try {
      this.folder = await this.#services.pickFolder();
      this.problem = undefined;
      // Remembering is a convenience: a browser that refuses to store handles still saves.
      await this.#services.rememberFolder(this.folder).catch(() => undefined);
    } catch (e) {
      if ((e as { name?: string }).name === 'AbortError') return; // The user closed the picker.
      this.problem = describeProblem(e);
    }
  }

  /** Looks up the folder of an earlier visit (never prompts). */
  async recall(): Promise<void> {
    if (!this.#services.pickFolder) return;
    try {
      const r = await this.#services.recallFolder();
      this.remembered = r ? { handle: r.handle, name: r.name } : undefined;
    } catch {
      this.remembered = undefined;
    }
  }

  /** Uses the remembered folder: asks for permission (call from a click) and checks it still exists. */
  async useRemembered(): Promise<void> {
    const r = this.remembered;
    if (!r) return;
    try {
      this.folder = await this.#services.ensureFolderAccess(r.handle);
      this.problem = undefined;
    } catch (e) {
      this.remembered = undefined;
      this.problem = describeProblem(e);
    }
  }

  /** The ZIP's name: the planned study's id. */
  get zipFileName(): string {
    return `${this.#location?.studyId ?? 's3bids'}.zip`;
  }

  /** Where the browser has no folder picker: the planned files as one streamed ZIP. */
  async startZip(fileName = this.zipFileName): Promise<void> {
    const { ZIP_LIMIT_BYTES } = await loadSaver();
    const model = this.#model;
    if (!model || !this.#options || this.running || !this.plan) return;
    const bytes = summarisePlan(this.plan).bytes;
    if (bytes > ZIP_LIMIT_BYTES) {
      this.problem = {
        code: 'TooLarge',
        title: 'Too large for a ZIP in this browser',
        message: `This selection is ${Math.round(bytes / 1e9)} GB; a browser without folder access can save about 2 GB as one ZIP. Choose fewer files, use Chrome or Edge, or use the script export.`,
        action: 'export',
      };
      return;
    }
    await this.#run(async (ctl) => model.download(await this.#services.zipTarget(fileName), this.#options!, ctl));
  }

  /** Works out what would be saved (and, with a folder, what is already there). No writes. */
  async makePlan(input: SaveInput, folder = this.folder): Promise<void> {
    const seq = ++this.#planSeq;
    this.planning = true;
    this.planProblem = undefined;
    try {
      if (input.subjects.length === 0) {
        this.plan = undefined;
        this.planFor = undefined;
        this.#model = undefined;
        return;
      }
      const model = await this.#models.get({ client: input.client, location: input.location, source: { index: input.index }, subjects: input.subjects, seed: input.seed });
      const plan = await model.plan(input.options, folder);
      if (seq !== this.#planSeq) return;
      this.#model = model;
      this.#options = input.options;
      this.#location = input.location;
      this.plan = plan;
      this.planFor = planKey(input);
      mark('planned');
    } catch (e) {
      if (seq !== this.#planSeq) return;
      this.plan = undefined;
      this.planFor = undefined;
      this.planProblem = describeProblem(e);
    } finally {
      if (seq === this.#planSeq) this.planning = false;
    }
  }

  /** Saves the planned files into the folder; run it again to resume after a cancel or failures. */
  async start(): Promise<void> {
    if (!this.folder) await this.pickFolder();
    const folder = this.folder;
    const model = this.#model;
    if (!folder || !model || !this.#options || this.running) return;
    await this.#run((ctl) => model.download(folder, this.#options!, ctl));
  }

  async #run(go: (ctl: DownloadControl) => Promise<DownloadReport>): Promise<void> {
    const ac = new AbortController();
    this.#abort = ac;
    this.running = true;
    this.problem = undefined;
    this.report = undefined;
    this.progress = undefined;
    this.reportRun = { planFor: this.planFor, story: this.plan ? planStory(this.plan) : planStory({ entries: [] }) };
    try {
      this.report = await go({ signal: ac.signal, onProgress: (p) => (this.progress = p) });
    } catch (e) {
      this.problem = describeProblem(e);
    } finally {
      this.running = false;
      this.#abort = undefined;
    }
  }

  cancel() {
    this.#abort?.abort();
  }
}
