// One object for the page, so the parts that depend on each other (study → selection → plan) are wired in
// one place and a view survives a reload through the URL; each panel is given only the part it shows.
import { PRESETS, drawSeed, type DownloadPlan, type LocationOverrides, type Preset, type StudyListing } from '../lib/index.ts';
import type { Services } from './services.ts';
import { ParticipantsState } from './participants.svelte.ts';
import { StudyState } from './study.svelte.ts';
import { SelectionState } from './selection.svelte.ts';
import { OptionsState } from './options.svelte.ts';
import { SaveState, type SaveInput } from './save.svelte.ts';
import { DEFAULT_QUERY, decodeQuery, encodeQuery, overridesOf, queryOf, type ViewQuery } from './url.ts';
import { describeProblem, type Problem } from './errors.ts';
import type { InspectSource } from './inspect.svelte.ts';
import { DescriptionState, textKeys } from './description.svelte.ts';
import type { EndpointGuard } from '../security/index.ts';

/** A local demo study, announced by the start command in `demo.json` next to index.html. */
export interface DemoInfo extends Preset {
  endpoint?: string;
}

/** What the app uses of the window it runs in: its URL, and fetch for `demo.json`. */
export type Host = Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener' | 'fetch'> & {
  document?: Pick<Document, 'querySelector'>;
};

/** True when the URL is moving from one open study to another one (not from none, not within one). */
export function isAnotherStudy(fromHash: string, toHash: string): boolean {
  const from = decodeQuery(fromHash).study;
  const to = decodeQuery(toHash).study;
  return from !== undefined && to !== undefined && from !== to;
}

/** `f`, remembering its last answer for as long as it is asked about the same object. */
function lastOf<A, R>(f: (a: A) => R): (a: A) => R {
  let last: { a: A; r: R } | undefined;
  return (a) => (last && last.a === a ? last.r : (last = { a, r: f(a) }).r);
}

export class AppState {
  readonly participants: ParticipantsState;
  readonly study: StudyState;
  readonly selection: SelectionState;
  readonly options: OptionsState;
  readonly save: SaveState;
  /** The open study's dataset_description.json, README and CHANGES. */
  readonly description = new DescriptionState();
  readonly #guard: EndpointGuard | undefined;
  demo = $state.raw<DemoInfo | undefined>(undefined);
  /** Set once the URL has been read, so the first empty state does not overwrite a shared link. */
  restored = $state(false);

  /** `guard`: the page's connect-src policy; a view on an endpoint it does not allow reloads the page. */
  constructor(services: Services, opts: { guard?: EndpointGuard } = {}) {
    this.#guard = opts.guard;
    this.participants = new ParticipantsState();
    this.study = new StudyState(services, this.participants);
    this.selection = new SelectionState(
      () => this.study.subjects,
      () => this.participants.filteredIds,
    );
    this.options = new OptionsState(
      () => this.study.pipelineNames,
      () => {
        const model = this.study.model;
        return this.study.status === 'ready' && model ? { index: model.index, subjects: this.selection.ids } : undefined;
      },
    );
    this.save = new SaveState(services, () => this.planInput());
    // The description follows the open study: read once per study, when its listing is ready.
    $effect.root(() => {
      $effect(() => {
        const s = this.study;
        const model = s.model;
        const client = s.client;
        const loc = s.location;
        if (s.status !== 'ready' || !model || !client || !loc) return this.description.forget();
        void this.description.load({
          client,
          bucket: model.bucket,
          location: `s3://${loc.bucket}/${loc.prefix}`,
          descriptionKey: model.index.descriptionKey,
          texts: textKeys(s.topFiles),
        });
      });
    });
  }

  /** The study picker's presets: the local demo first, when there is one. */
  get presets(): readonly Preset[] {
    return this.demo ? [this.demo, ...PRESETS] : PRESETS;
  }

  /**
   * Opens the view the URL describes (or the local demo), then keeps the URL following the view and
   * follows edits of the URL by hand and Back/Forward. Opening another study adds a history entry, so
   * Back returns to the previous study; changes within a study replace the entry (no entry per
   * keystroke). Credentials are never in the URL. Returns the function that stops following.
   */
  connect(host: Host): () => void {
    void (async () => {
      const q = decodeQuery(host.location.hash);
      void this.save.recall();
      // Only `npm start` marks the page as having a demo: a hosted build never asks for demo.json.
      const demo = host.document?.querySelector('meta[name="s3bids-demo"]') ? await this.loadDemo(host.fetch.bind(host)) : undefined;
      if (!q.study && demo) q.study = demo.text;
      await this.applyQuery(q);
    })();
    // hashchange and popstate both fire on Back between hash entries: the view follows once.
    const onHash = () => {
      if (host.location.hash !== encodeQuery(this.toQuery())) void this.applyQuery(decodeQuery(host.location.hash));
    };
    host.addEventListener('hashchange', onHash);
    host.addEventListener('popstate', onHash);
    const stop = $effect.root(() => {
      $effect(() => {
        if (!this.restored) return;
        const hash = encodeQuery(this.toQuery());
        if (hash === host.location.hash) return;
        const url = hash || host.location.pathname + host.location.search;
        if (isAnotherStudy(host.location.hash, hash)) host.history.pushState(null, '', url);
        else host.history.replaceState(null, '', url);
      });
    });
    return () => {
      host.removeEventListener('hashchange', onHash);
      host.removeEventListener('popstate', onHash);
      stop();
    };
  }

  /** Reads `demo.json` (written by `npm start`); absent on a static host, which is fine. */
  async loadDemo(fetchFn: typeof fetch): Promise<DemoInfo | undefined> {
    try {
      const res = await fetchFn('demo.json', { cache: 'no-store' });
      if (!res.ok) return undefined;
      const d = (await res.json()) as Partial<DemoInfo>;
      if (typeof d.text !== 'string' || typeof d.label !== 'string') return undefined;
      this.demo = { id: 'demo', label: d.label, description: d.description ?? 'Local demo study', text: d.text };
      return this.demo;
    } catch {
      return undefined;
    }
  }

  /** The view as it goes into the URL (never credentials). */
  toQuery(): ViewQuery {
    const s = this.study;
    const o = this.options;
    const sel = this.selection;
    const q: ViewQuery = {
      ...DEFAULT_QUERY,
      filters: this.participants.filters,
      mode: sel.mode,
      ids: sel.mode === 'hand' ? [...sel.picked].sort() : [],
      n: sel.n,
      fromFiltered: sel.fromFiltered,
      derivs: o.derivs,
      pipelines: o.derivs === 'some' ? o.pipelines : [],
      suffix: o.suffix,
      include: o.include,
      exclude: o.exclude,
      top: o.top,
      topNames: o.top === 'some' ? o.topNames : [],
      entities: o.entities,
    };
    if (s.text) q.study = s.text;
    Object.assign(q, queryOf(s.overrides));
    if (this.participants.sort) q.sort = this.participants.sort;
    if (sel.seed !== undefined) q.seed = sel.seed;
    return q;
  }

  /** Restores a view from the URL: the study opens, then filters and choices apply. */
  async applyQuery(q: ViewQuery): Promise<void> {
    if (this.#guard?.reloadFor(q)) return;
    const sel = this.selection;
    sel.mode = q.mode;
    sel.setPicked(q.ids);
    sel.n = q.n;
    sel.seed = q.seed ?? (q.mode === 'random' ? drawSeed() : undefined);
    sel.fromFiltered = q.fromFiltered;
    const o = this.options;
    o.derivs = q.derivs;
    o.pipelines = q.pipelines;
    o.suffix = q.suffix;
    o.includeText = q.include.join('\n');
    o.excludeText = q.exclude.join('\n');
    o.top = q.top;
    o.topNames = q.topNames;
    o.entities = q.entities;
    this.participants.setFilters(q.filters);
    this.participants.setSort(q.sort);
    this.restored = true;
    if (q.study) {
      await this.study.open(q.study, overridesOf(q));
    }
  }

  /** Opens a study from the picker: filters and hand picks of the previous study no longer apply. */
  async openStudy(text: string, overrides: Parameters<StudyState['open']>[1] = {}) {
    this.participants.setFilters([]);
    this.participants.setSort(undefined);
    this.selection.setPicked([]);
    if (this.selection.mode === 'random' && this.selection.seed === undefined) this.selection.newSeed();
    if (this.#guard?.reloadFor(this.#queryFor(text, overrides))) return;
    await this.study.open(text, overrides);
  }

  /** The view as it will be once `text` is open with `overrides`. */
  #queryFor(text: string, overrides: LocationOverrides): ViewQuery {
    const { endpoint: _e, mirrors: _m, region: _r, pathStyle: _p, requesterPays: _rp, ...rest } = this.toQuery();
    return { ...rest, study: text, ...queryOf(overrides) };
  }

  /** participants.tsv's failure, unless the study already shows a problem reading its files. */
  get participantsProblem(): Problem | undefined {
    const e = this.participants.error;
    return e && !this.study.accessProblem ? describeProblem(e) : undefined;
  }

  // The inspector asks for its source on every name it shows: keys are mapped once per listing and per plan,
  // not on each ask (76,000 keys, 200 names shown).
  #keysOf = lastOf((l: StudyListing | undefined) => l?.keys.map((o) => o.key) ?? []);
  #plannedOf = lastOf((p: DownloadPlan | undefined) => p?.entries.flatMap((e) => (e.key ? [e.key] : [])) ?? []);

  /** Where the inspector reads: the open study, its planned keys first, and the chosen folder. */
  inspectSource(): InspectSource {
    const s = this.study;
    return {
      client: s.client!,
      bucket: s.location?.bucket ?? '',
      prefix: s.location?.prefix ?? '',
      keys: this.#keysOf(s.listing),
      planned: this.#plannedOf(this.save.plan),
      writeClient: s.hasCredentials ? s.client : undefined,
      localDir: this.save.folder,
    };
  }

  /** What the plan needs right now, or undefined while the study is not ready. */
  planInput(): SaveInput | undefined {
    const s = this.study;
    if (s.status !== 'ready' || !s.client || !s.location || !s.model) return undefined;
    return {
      client: s.client,
      location: s.location,
      index: s.model.index,
      subjects: this.selection.ids,
      seed: this.selection.seed,
      options: this.options.downloadOptions,
    };
  }
}
