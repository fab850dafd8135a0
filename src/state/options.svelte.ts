// The form's choices of what to save, turned into the engine's DownloadOptions (docs/contract.md, "Filters"),
// and what each choice would take for the chosen subjects (the study index's facets).
import {
  ENTITY_FACETS,
  loadGlobMatcher,
  pipelineIncluded,
  type DownloadOptions,
  type EntityFacet,
  type StudyFacets,
  type StudyIndex,
} from '../lib/index.ts';
import type { DerivsMode, EntityChoice, TopLevelMode } from './url.ts';

/** Files counted at once for the file choices; more are counted in slices (a few ms per thousand files). */
const COUNT_AT_ONCE = 20_000;

const lines = (text: string) => text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

/** What the facets are counted over: the open study's index and the chosen subjects. */
export interface FacetSource {
  index: StudyIndex;
  subjects: readonly string[];
}

/** One value of an entity as the page offers it. */
export interface FacetValue {
  value: string;
  /** The value, or what '' stands for ("no session"). */
  label: string;
  files: number;
  bytes: number;
  checked: boolean;
}

export interface FacetGroup {
  facet: EntityFacet;
  label: string;
  values: FacetValue[];
}

const FACET_LABELS: Record<EntityFacet, { label: string; none: string }> = {
  datatype: { label: 'Data type', none: 'no data type folder' },
  suffix: { label: 'Suffix', none: 'no BIDS suffix' },
  session: { label: 'Session', none: 'no session' },
  task: { label: 'Task', none: 'no task' },
  run: { label: 'Run', none: 'no run' },
  acq: { label: 'Acquisition', none: 'no acquisition' },
};

export class OptionsState {
  /** The open study's pipelines, so a ticked pipeline means exactly that pipeline. */
  readonly #pipelineNames: () => readonly string[];
  readonly #facetSource: () => FacetSource | undefined;
  derivs = $state<DerivsMode>('none');
  pipelines = $state<string[]>([]);
  suffix = $state('');
  /** One glob per line. */
  includeText = $state('');
  excludeText = $state('');
  top = $state<TopLevelMode>('default');
  /** Top-level files by exact name, when `top` is 'some'. */
  topNames = $state<string[]>([]);
  /** Ticked values per BIDS entity; an entity without ticks keeps every value. */
  entities = $state<EntityChoice>({});
  overwrite = $state(false);
  verify = $state(false);
  /** Set once the glob matcher has loaded, so the counts follow include/exclude globs too. */
  #globsReady = $state(false);
  #stop: () => void;

  constructor(pipelineNames: () => readonly string[] = () => [], facetSource: () => FacetSource | undefined = () => undefined) {
    this.#pipelineNames = pipelineNames;
    this.#facetSource = facetSource;
    this.#stop = $effect.root(() => {
      $effect(() => {
        const job = this.#facetJob;
        if (!job?.big) return;
        const ac = new AbortController();
        const { index } = job.src;
        index.facetsSliced(job.src.subjects, job.opts, 'study', { signal: ac.signal }).then(
          (facets) => void (this.#sliced = { index, facets }),
          () => void (ac.signal.aborted || (this.#sliced = { index, facets: undefined })),
        );
        return () => ac.abort();
      });
    });
  }

  /** Stops following the choice. */
  dispose(): void {
    this.#stop();
  }

  get include(): string[] {
    return lines(this.includeText);
  }
  get exclude(): string[] {
    return lines(this.excludeText);
  }

  /** Pipelines pyAFQ's `include_derivs` would take for this choice: it matches by name part, so `afq` also takes `afq-extra`. */
  effectivePipelines(all: readonly string[]): string[] {
    const chosen = this.derivs === 'some' ? this.pipelines : this.derivs;
    return all.filter((p) => pipelineIncluded(p, chosen));
  }

  /**
   * Pipelines only pyAFQ's name-part rule would add (ticked `afq`, unticked `afq-extra`). Here a box is
   * ticked only when its pipeline is saved, so the choice names whole pipelines (`includeDerivsExact`).
   */
  readonly substringExtras = $derived.by((): string[] => {
    if (this.derivs !== 'some') return [];
    return this.effectivePipelines(this.#pipelineNames()).filter((p) => !this.pipelines.includes(p));
  });

  togglePipeline(name: string) {
    this.pipelines = this.pipelines.includes(name) ? this.pipelines.filter((p) => p !== name) : [...this.pipelines, name];
    this.derivs = 'some';
  }

  toggleTopName(name: string) {
    this.topNames = this.topNames.includes(name) ? this.topNames.filter((p) => p !== name) : [...this.topNames, name];
    this.top = 'some';
  }

  toggleEntity(facet: EntityFacet, value: string) {
    const now = this.entities[facet] ?? [];
    const next = now.includes(value) ? now.filter((v) => v !== value) : [...now, value];
    const { [facet]: _, ...rest } = this.entities;
    this.entities = next.length ? { ...rest, [facet]: next } : rest;
  }

  /** Every entity back to "all values". */
  clearEntities() {
    this.entities = {};
  }

  /** How many entity values are ticked. */
  get entityTicks(): number {
    return Object.values(this.entities).reduce((n, v) => n + (v?.length ?? 0), 0);
  }

  readonly downloadOptions = $derived.by((): DownloadOptions => {
    const o: DownloadOptions = { overwrite: this.overwrite, verify: this.verify };
    o.includeDerivs = this.derivs === 'all' ? true : this.derivs === 'none' ? false : this.pipelines.length ? [...this.pipelines] : false;
    if (this.top === 'all') o.includeModalityAgnostic = true;
    else if (this.top === 'none') o.includeModalityAgnostic = false;
    else if (this.top === 'some') o.topLevelFiles = [...this.topNames];
    const entities: EntityChoice = {};
    for (const f of ENTITY_FACETS) {
      const v = this.entities[f];
      if (v?.length) entities[f] = [...v];
    }
    if (Object.keys(entities).length) o.entities = entities;
    if (this.suffix.trim()) o.suffix = this.suffix.trim();
    if (this.include.length) o.include = this.include;
    if (this.substringExtras.length) o.includeDerivsExact = true;
    if (this.exclude.length) o.exclude = this.exclude;
    return o;
  });

  /** What the counts are worked out for: the study, its chosen subjects and the options that count. */
  readonly #facetJob = $derived.by((): { src: FacetSource; opts: DownloadOptions; big: boolean } | undefined => {
    const src = this.#facetSource();
    if (!src) return undefined;
    let opts = this.downloadOptions;
    if ((opts.include || opts.exclude) && !this.#globsReady) {
      // Counted without the globs until the matcher has loaded (a moment), then again with them.
      void loadGlobMatcher().then(() => (this.#globsReady = true));
      const { include: _i, exclude: _e, ...rest } = opts;
      opts = rest;
    }
    return { src, opts, big: src.index.filesOf(src.subjects) > COUNT_AT_ONCE };
  });

  /** The last counts worked out in slices, and for which study. */
  #sliced = $state.raw<{ index: StudyIndex; facets: StudyFacets | undefined } | undefined>(undefined);

  /**
   * Files and bytes per value for the chosen subjects and the current choice; undefined without a study.
   * A big choice is counted in slices, so the page stays responsive; its last counts show meanwhile.
   */
  readonly facets = $derived.by((): StudyFacets | undefined => {
    const job = this.#facetJob;
    if (!job) return undefined;
    if (job.big) return this.#sliced?.index === job.src.index ? this.#sliced.facets : undefined;
    try {
      return job.src.index.facets(job.src.subjects, job.opts);
    } catch {
      return undefined; // A bad option shows as the plan's problem; the counts wait for a good one.
    }
  });

  /**
   * The entity choices to offer, data type first: every value the chosen subjects' files have, with its
   * count, plus any ticked value they lack (so a tick can always be undone). An entity none of the files
   * has is left out.
   */
  readonly facetGroups = $derived.by((): FacetGroup[] => {
    const f = this.facets;
    if (!f) return [];
    return ENTITY_FACETS.flatMap((facet) => {
      const ticked = this.entities[facet] ?? [];
      const counted = f.entities[facet];
      const values: FacetValue[] = counted.map((c) => ({ ...c, label: c.value || FACET_LABELS[facet].none, checked: ticked.includes(c.value) }));
      for (const v of ticked)
        if (!counted.some((c) => c.value === v)) values.push({ value: v, label: v || FACET_LABELS[facet].none, files: 0, bytes: 0, checked: true });
      if (!values.some((v) => v.value !== '') && ticked.length === 0) return [];
      return [{ facet, label: FACET_LABELS[facet].label, values }];
    });
  });

  /** What "Default" takes at the top level, in one line (pyAFQ's choice). */
  readonly topDefault = $derived.by((): string => {
    const src = this.#facetSource();
    if (src?.index.flavour === 'hbn')
      return "Default, as pyAFQ's HBNSite: no top-level file from S3; a dataset_description.json naming the site and the chosen subjects is written.";
    const names = (this.facets?.topLevel ?? []).filter((t) => t.byDefault).map((t) => t.name);
    return names.length
      ? `Default, as pyAFQ: ${names.join(', ')} only.`
      : "Default, as pyAFQ: dataset_description.json only (this study has none at the top).";
  });
}
