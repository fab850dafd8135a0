// The open study, so every panel works from one listing: location, client (credentials in memory only),
// listing with progress, the study model, overview figures, pipelines and participants.tsv. Every failure
// lands in `problem`, never the console only.
import { mark } from './marks.ts';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  bucketRegion,
  explainNoAnswer,
  describePipeline,
  getObjectText,
  parseLocation,
  missingMarkersFromReadme,
  nextTask,
  pathStyleOf,
  parseParticipantsOffThread,
  relativeKey,
  TEXT_CAP_BYTES,
  s3JsonRead,
  type Credentials,
  type LocationOverrides,
  type S3BIDSStudy,
  type StudyListing,
  type StudyLocation,
} from '../lib/index.ts';
import type { Services } from './services.ts';
import { openStudyModel } from './study-model.ts';
import { overviewOf, pipelinesOf, type Overview, type PipelineInfo } from './overview.ts';
import { describeProblem, type Problem } from './errors.ts';
import type { ParticipantsState } from './participants.svelte.ts';
import { textKeys } from './description.svelte.ts';

export type StudyStatus = 'idle' | 'listing' | 'ready' | 'error';

export class StudyState {
  #services: Services;
  #participants: ParticipantsState;
  #abort: AbortController | undefined;
  #credentials: Credentials | undefined;
  /** The endpoint and bucket the credentials were entered for; set by the first open after they are. */
  #credentialsFor: string | undefined;
  /** Credentials were dropped because the location moved to another bucket or endpoint: ask again. */
  credentialsDropped = $state(false);

  status = $state<StudyStatus>('idle');
  location = $state.raw<StudyLocation | undefined>(undefined);
  /** What the user typed, as given (kept for the URL). */
  text = $state('');
  overrides = $state.raw<LocationOverrides>({});
  problem = $state.raw<Problem | undefined>(undefined);
  /** The region S3 named for the bucket (a bucket in another region still opens; the overview names it). */
  region = $state<string | undefined>(undefined);
  /** Whether S3 named `region` in an answer (`x-amz-bucket-region`), rather than the location giving it. */
  regionFromS3 = $state(false);
  /** A problem reading the study's files (the listing worked): often CORS or a private bucket. */
  accessProblem = $state.raw<Problem | undefined>(undefined);
  progress = $state.raw<{ keys: number; requests: number }>({ keys: 0, requests: 0 });
  /** Top-level folders as soon as the first listing page is in. */
  topFolders = $state.raw<string[]>([]);
  listing = $state.raw<StudyListing | undefined>(undefined);
  model = $state.raw<S3BIDSStudy | undefined>(undefined);
  client = $state.raw<S3Client | undefined>(undefined);
  overview = $state.raw<Overview | undefined>(undefined);
  pipelines = $state.raw<PipelineInfo[]>([]);
  /** dataset_description.json's Name. */
  name = $state<string | undefined>(undefined);
  /** When the shown listing came from the cache: its time; and whether S3 has since changed. */
  cachedAt = $state<string | undefined>(undefined);
  changedSinceCache = $state(false);

  constructor(services: Services, participants: ParticipantsState) {
    this.#services = services;
    this.#participants = participants;
  }

  /** Whether the open study is addressed path-style: asked for, or by default for a custom endpoint. */
  get pathStyle(): boolean {
    return this.location ? pathStyleOf(this.location) : false;
  }

  get hasCredentials() {
    return this.#credentials !== undefined;
  }
  get subjects(): string[] {
    return this.model?.allSubjects ?? [];
  }
  /** Files at the top of the study, named relative to it. */
  readonly topFiles = $derived.by(() => {
    const l = this.listing;
    return (l?.topObjects ?? []).map((o) => ({ key: o.key, name: relativeKey(o.key, l!.prefix) ?? o.key, size: o.size }));
  });
  /** Pipeline names, for choosing which to save. */
  readonly pipelineNames = $derived(this.pipelines.map((p) => p.name));

  /** Credentials live only in this object; they never reach the URL or storage. */
  setCredentials(c: Credentials | undefined) {
    this.#credentials = c && c.accessKeyId && c.secretAccessKey ? c : undefined;
    this.#credentialsFor = undefined;
    this.credentialsDropped = false;
  }

  /** Parses what the user typed and opens it; a bad location is shown in place. */
  async open(text: string, overrides: LocationOverrides = {}, opts: { refresh?: boolean } = {}): Promise<void> {
    this.text = text;
    this.overrides = overrides;
    let loc: StudyLocation;
    try {
      loc = parseLocation(text, overrides);
    } catch (e) {
      this.#abort?.abort();
      this.status = 'error';
      this.problem = describeProblem(e);
      return;
    }
    await this.#load(loc, opts.refresh ?? false);
  }

  /** "Clear cached data": forgets every cached listing (the open study stays on screen). */
  async clearCache(): Promise<void> {
    await this.#services.clearCache();
    this.cachedAt = undefined;
  }

  refresh() {
    return this.open(this.text, this.overrides, { refresh: true });
  }

  close() {
    this.#abort?.abort();
    this.status = 'idle';
    this.location = undefined;
    this.listing = undefined;
    this.model = undefined;
  }

  async #load(loc: StudyLocation, refresh: boolean) {
    this.#abort?.abort();
    const ac = new AbortController();
    this.#abort = ac;
    const current = () => this.#abort === ac;
    this.location = loc;
    this.status = 'listing';
    this.problem = undefined;
    this.accessProblem = undefined;
    this.progress = { keys: 0, requests: 0 };
    this.topFolders = [];
    this.listing = undefined;
    this.model = undefined;
    this.overview = undefined;
    this.pipelines = [];
    this.name = undefined;
    this.cachedAt = undefined;
    this.changedSinceCache = false;
    this.#participants.reset();
    this.region = undefined;
    this.regionFromS3 = false;
    // Building the client and sending the first request wait for a task of their own: a study opened from
    // the link at page load would otherwise add them to the first render's task (README, "Benchmarks").
    await nextTask();
    if (!current()) return;
    let made: S3Client | undefined;
    try {
      // Credentials belong to the bucket and endpoint they were entered for: a link to any other drops them.
      const where = `${loc.endpoint ?? 'aws'} ${loc.bucket}`;
      if (this.#credentials && this.#credentialsFor !== undefined && this.#credentialsFor !== where) {
        this.#credentials = undefined;
        this.#credentialsFor = undefined;
        this.credentialsDropped = true;
      } else if (this.#credentials) this.#credentialsFor = where;
      const client = this.#services.createClient(loc, this.#credentials);
      made = client;
      this.client = client;
      const { cached, fresh } = await this.#services.listing(client, loc, {
        signal: ac.signal,
        refresh,
        onTopLevel: (p) => current() && (this.topFolders = p.topFolders),
        onProgress: (p) => current() && (this.progress = p),
      });
      if (cached) {
        this.cachedAt = cached.savedAt;
        await this.#adopt(client, loc, cached.listing, current);
        fresh
          .then(async (r) => {
            if (!current()) return;
            if (r.changed) {
              this.changedSinceCache = true;
              await this.#adopt(client, loc, r.listing, current);
            }
          })
          .catch(() => undefined); // The cached view stays usable; "Refresh" shows the failure.
      } else {
        const r = await fresh;
        if (current()) await this.#adopt(client, loc, r.listing, current);
      }
    } catch (e) {
      if (!current()) return;
      // No readable answer: find out whether S3 answered without CORS or nothing answered at all.
      const why = made ? await explainNoAnswer(made, loc.bucket, e) : e;
      if (!current()) return;
      this.status = 'error';
      this.problem = describeProblem(why);
    }
  }

  async #adopt(client: S3Client, loc: StudyLocation, listing: StudyListing, current: () => boolean) {
    mark('listed');
    const model = await openStudyModel({ client, location: loc, source: { listing }, subjects: 'all', seed: 0 });
    if (!current()) return;
    this.listing = listing;
    this.model = model;
    this.overview = overviewOf(model.index, model.allSubjects);
    const named = bucketRegion(client, loc.bucket);
    this.region = named ?? loc.region;
    this.regionFromS3 = named !== undefined;
    this.pipelines = pipelinesOf(model.index);
    this.status = 'ready';
    mark('ready');
    await Promise.all([this.#readDescriptions(client, model, current), this.#readParticipants(client, model, current)]);
  }

  async #readDescriptions(client: S3Client, model: S3BIDSStudy, current: () => boolean) {
    const top = model.index.descriptionKey;
    if (top) {
      try {
        const d = (await s3JsonRead(client, model.bucket, top)) as { Name?: unknown } | null;
        if (current() && typeof d?.Name === 'string') this.name = d.Name;
      } catch (e) {
        if (current()) this.accessProblem ??= describeProblem(e);
      }
    }
    const keys = new Map(model.index.pipelines.map((p) => [p.name, p.descriptionKey]));
    const described = await Promise.all(
      this.pipelines.map(async (p) => {
        const key = keys.get(p.name);
        if (!key) return p;
        try {
          return { ...p, ...describePipeline(await s3JsonRead(client, model.bucket, key)) };
        } catch {
          return p; // The pipeline is still listed; only its description is missing.
        }
      }),
    );
    if (current()) this.pipelines = described;
  }

  async #readParticipants(client: S3Client, model: S3BIDSStudy, current: () => boolean) {
    const tsv = model.index.topLevelKey('participants.tsv');
    if (!tsv) {
      this.#participants.standIn(model.allSubjects);
      return;
    }
    const json = model.index.topLevelKey('participants.json');
    const readme = textKeys(this.topFiles).README;
    try {
      const [text, sidecar, readmeText] = await Promise.all([
        getObjectText(client, model.bucket, tsv),
        json ? s3JsonRead(client, model.bucket, json).catch(() => undefined) : undefined,
        // Markers other than n/a count as missing only when the README says so (README.md, "Faults and bad input").
        readme ? getObjectText(client, model.bucket, readme, { start: 0, end: TEXT_CAP_BYTES }).catch(() => '') : '',
      ]);
      if (!current()) return;
      this.#participants.progress = 0;
      const table = await parseParticipantsOffThread(text, sidecar, {
        missing: missingMarkersFromReadme(readmeText),
        onProgress: (f) => current() && (this.#participants.progress = f),
      });
      if (current()) this.#participants.set(table, model.allSubjects);
    } catch (e) {
      if (!current()) return;
      this.#participants.standIn(model.allSubjects, e);
      this.accessProblem ??= describeProblem(e);
    }
  }
}
