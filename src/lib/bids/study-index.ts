// What one listing says about a study, worked out once: subjects, sessions, pipelines, top-level files,
// counts and bytes, and each key's place and BIDS entities. The overview, the participants table's
// "no data" marks, planning and the exports read it; a new choice of subjects or options is planned
// from it without listing or sorting the keys again.
import { S3BIDSError } from '../errors/index.ts';
import type { DownloadOptions, DownloadPlan, EntityFacet } from '../plan/index.ts';
import { joinKey, normalisePrefix, relativeKey, type Flavour } from '../s3/keys.ts';
import { topLevelFromListing, type TopLevel } from '../s3/top-level.ts';
import type { ObjectInfo, StudyListing } from '../s3/types.ts';
import { sortCodePoints } from '../select/compare.ts';
import { ENTITY_FACETS, facetValue, keyEntities, type KeyEntities } from './entities.ts';
import { pipelineIncluded, resolveOptions, topLevelTaken } from './filters.ts';
import { pipelineFiles as pipelineFilesIn, pipelinesInSteps, placeOf, type KeyPlace, type SubjectKeys } from './layout.ts';
import { hbnDatasetDescription, planSteps } from './planner.ts';
import { describePipeline, type PipelineDescription } from './description.ts';

export { describePipeline, type PipelineDescription };
import { PAUSE_EVERY, runNow, runSliced, type Sliced, type SliceOptions } from '../slices/index.ts';

/**
 * Which layout the keys follow, chosen by whoever knows the study (a parsed location, `HBNSite.open`),
 * never guessed from the keys. HBN sites need their site name: it goes into the generated description.
 */
export type StudyLayout = { flavour: 'bids' } | { flavour: 'hbn'; site: string };

export interface PipelineSummary {
  /** Bare name (`afq`, not a path). */
  name: string;
  /** `derivatives/<name>/dataset_description.json`, as a full key, when the listing has one (BIDS only). */
  descriptionKey?: string;
  /** Read from that file, when it was given to the index (`withDescriptions`). */
  description?: PipelineDescription;
  /** Keys under the pipeline: every subject's derivatives and the pipeline's own files. */
  files: number;
  bytes: number;
}

export interface SubjectSummary {
  id: string;
  /** Raw and derivative keys of this subject. */
  files: number;
  bytes: number;
  /** `ses-<label>` folders of the raw data, sorted. */
  sessions: string[];
}

/** Files and bytes behind one value of a choice. */
export interface FacetCount {
  /** The value (`anat`, `T1w`, `1`); '' for files without the entity. */
  value: string;
  files: number;
  bytes: number;
}

/**
 * What each file choice would take, for a choice of subjects and options (`StudyIndex.facets`).
 * A count honours every other choice (derivatives, suffix, globs, the other entities) but not its own
 * entity's ticks, so a value's count is what ticking it adds; for a ticked value it is what the plan holds.
 */
export interface StudyFacets {
  /** Per entity, every value among the chosen subjects' raw files and included pipelines' files, sorted ('' last). */
  entities: Record<EntityFacet, FacetCount[]>;
  /** Per pipeline, the chosen subjects' files in it that pass the suffix, glob and entity choices, ticked or not. */
  pipelines: { name: string; files: number; bytes: number }[];
  /** Every top-level file (study scope), with its size and whether the choice and pyAFQ's default take it. */
  topLevel: { name: string; key: string; bytes: number; taken: boolean; byDefault: boolean }[];
}

const byValue = (a: FacetCount, b: FacetCount) =>
  a.value === b.value ? 0 : a.value === '' ? 1 : b.value === '' ? -1 : a.value.localeCompare(b.value, 'en', { numeric: true });

/** What the index is built from: a whole-study listing, or (pyAFQ's way) the top level plus the chosen subjects' keys. */
export interface IndexParts {
  bucket: string;
  prefix: string;
  top: TopLevel;
  /** Each key once, in any order (the index keeps the order given). */
  keys: readonly ObjectInfo[];
  /** The study's pipelines when `keys` does not show them all; by default those the keys show. */
  pipelines?: readonly string[];
  /** Files directly inside each BIDS pipeline folder, when `keys` does not hold them. */
  pipelineFiles?: readonly ObjectInfo[];
  /** Whether `keys` is every key of the study. Default false. */
  complete?: boolean;
}

interface SubjectData {
  raw: ObjectInfo[];
  derivatives: Map<string, ObjectInfo[]>;
  files: number;
  bytes: number;
  sessions: Set<string>;
}

/** Internals shared by an index and the copies `withDescriptions` makes. */
interface Built {
  bucket: string;
  prefix: string;
  layout: StudyLayout;
  complete: boolean;
  top: TopLevel;
  keys: readonly ObjectInfo[];
  subjects: string[];
  bySubject: Map<string, SubjectData>;
  pipelineNames: string[];
  pipelineFiles: ObjectInfo[];
  pipelineTotals: Map<string, { files: number; bytes: number }>;
  sessionCount: number;
  totals: { files: number; bytes: number };
  entities: Map<string, KeyEntities>;
  /** Each subject key's values for ENTITY_FACETS, in that order, read on first ask. */
  facetValues: WeakMap<ObjectInfo, readonly string[]>;
}

const SESSION = /^ses-[A-Za-z0-9]+$/;

function checkLayout(layout: { flavour: Flavour; site?: string }): StudyLayout {
  if (layout.flavour === 'bids') return { flavour: 'bids' };
  if (layout.flavour === 'hbn' && typeof layout.site === 'string' && layout.site !== '') return { flavour: 'hbn', site: layout.site };
  throw new S3BIDSError('InvalidOption', `A study layout is 'bids', or 'hbn' with its site; got ${JSON.stringify(layout)}.`);
}

function* buildSteps(parts: IndexParts, layout: StudyLayout): Sliced<Built> {
  const prefix = normalisePrefix(parts.prefix);
  const flavour = layout.flavour;
  const pipelineNames = parts.pipelines ? sortCodePoints(new Set(parts.pipelines)) : yield* pipelinesInSteps(parts.keys, prefix, flavour);
  const pipelineTotals = new Map(pipelineNames.map((p) => [p, { files: 0, bytes: 0 }]));
  const bySubject = new Map<string, SubjectData>();
  const subjectData = (id: string) => {
    let d = bySubject.get(id);
    if (!d) bySubject.set(id, (d = { raw: [], derivatives: new Map(), files: 0, bytes: 0, sessions: new Set() }));
    return d;
  };
  for (const id of parts.top.subjects) subjectData(id);
  let files = 0;
  let bytes = 0;
  let sessionCount = 0;
  for (const o of parts.keys) {
    if (++files % PAUSE_EVERY === 0) yield;
    bytes += o.size;
    const rel = relativeKey(o.key, prefix);
    if (rel === undefined) continue;
    const place = placeOf(rel, flavour);
    if (place.kind === 'raw') {
      const d = subjectData(place.subject);
      d.raw.push(o);
      d.files++;
      d.bytes += o.size;
      // A session is a `ses-` folder inside the subject's own folder, with something in it.
      const [first, second, third] = rel.split('/', 3);
      if (first === place.subject && third !== undefined && SESSION.test(second!) && !d.sessions.has(second!)) {
        d.sessions.add(second!);
        sessionCount++;
      }
    } else if (place.kind === 'derivative') {
      const d = subjectData(place.subject);
      let list = d.derivatives.get(place.pipeline);
      if (!list) d.derivatives.set(place.pipeline, (list = []));
      list.push(o);
      d.files++;
      d.bytes += o.size;
    }
    if (place.kind === 'derivative' || place.kind === 'pipeline-file') {
      const t = pipelineTotals.get(place.pipeline);
      if (t) {
        t.files++;
        t.bytes += o.size;
      }
    }
  }
  return {
    bucket: parts.bucket,
    prefix,
    layout,
    complete: parts.complete ?? false,
    top: parts.top,
    keys: parts.keys,
    subjects: parts.top.subjects,
    bySubject,
    pipelineNames,
    pipelineFiles: parts.pipelineFiles ? [...parts.pipelineFiles] : pipelineFilesIn(parts.keys, prefix, flavour),
    pipelineTotals,
    sessionCount,
    totals: { files, bytes },
    entities: new Map(),
    facetValues: new WeakMap(),
  };
}

/** A study as one listing shows it. Make one with `buildStudyIndex(listing, layout)`, or `StudyIndex.fromParts`. */
export class StudyIndex {
  readonly #b: Built;
  readonly #descriptions: ReadonlyMap<string, PipelineDescription>;
  /** Pipelines in code point order, with their description key, description (when given), files and bytes. */
  readonly pipelines: readonly PipelineSummary[];

  private constructor(built: Built, descriptions: ReadonlyMap<string, PipelineDescription>) {
    this.#b = built;
    this.#descriptions = descriptions;
    const hasKey = new Set(built.pipelineFiles.map((o) => o.key));
    this.pipelines = built.pipelineNames.map((name) => {
      const totals = built.pipelineTotals.get(name)!;
      const s: PipelineSummary = { name, files: totals.files, bytes: totals.bytes };
      const key = joinKey(built.prefix, `derivatives/${name}/dataset_description.json`);
      if (built.layout.flavour === 'bids' && hasKey.has(key)) s.descriptionKey = key;
      const d = descriptions.get(name);
      if (d) s.description = d;
      return s;
    });
  }

  /**
   * The index of a whole-study listing (`listStudy`, or its cached copy). `layout` is `{ flavour: 'bids' }`
   * or `{ flavour: 'hbn', site }`; a `StudyLocation` fits as it is.
   */
  static fromListing(listing: StudyListing, layout: { flavour: Flavour; site?: string }): StudyIndex {
    return new StudyIndex(runNow(buildSteps(partsOf(listing), checkLayout(layout))), new Map());
  }

  /**
   * `fromListing` in slices that leave the main thread free between them (src/lib/slices), with each key's
   * entities read in advance, so the first counts of file choices (`facets`) cost one quick pass.
   */
  static async fromListingSliced(listing: StudyListing, layout: { flavour: Flavour; site?: string }, opts: SliceOptions = {}): Promise<StudyIndex> {
    const index = new StudyIndex(await runSliced(buildSteps(partsOf(listing), checkLayout(layout)), opts), new Map());
    await runSliced(index.#readEntities(), opts);
    return index;
  }

  /** The index of a partial listing: the top level and the chosen subjects' keys (pyAFQ's way of listing). */
  static fromParts(parts: IndexParts, layout: { flavour: Flavour; site?: string }): StudyIndex {
    return new StudyIndex(runNow(buildSteps(parts, checkLayout(layout))), new Map());
  }

  /** Reads every subject key's entities into the index, pausing now and then. */
  *#readEntities(): Sliced<void> {
    let n = 0;
    for (const d of this.#b.bySubject.values()) {
      for (const o of d.raw) this.#facetValues(o);
      for (const list of d.derivatives.values()) for (const o of list) this.#facetValues(o);
      n += d.files;
      if (n >= PAUSE_EVERY) (n = 0), yield;
    }
  }

  get bucket(): string {
    return this.#b.bucket;
  }
  /** Normalised: no leading or trailing `/`; '' is the bucket root. */
  get prefix(): string {
    return this.#b.prefix;
  }
  get layout(): StudyLayout {
    return this.#b.layout;
  }
  get flavour(): Flavour {
    return this.#b.layout.flavour;
  }
  /** The HBN site, for an HBN index. */
  get site(): string | undefined {
    return this.#b.layout.flavour === 'hbn' ? this.#b.layout.site : undefined;
  }
  /** Whether every key of the study was given (a whole-study listing), not only the chosen subjects'. */
  get complete(): boolean {
    return this.#b.complete;
  }
  /** Subjects the listing shows (`sub-01` from `sub-01/` and `sub-01.html` alike), sorted by code point. */
  get subjects(): readonly string[] {
    return this.#b.subjects;
  }
  /** Pipeline names (`afq`, not a path), sorted by code point: pyAFQ's `derivative_types`. */
  get pipelineNames(): readonly string[] {
    return this.#b.pipelineNames;
  }
  /** The one-level view of the prefix: subjects, other entries, top-level files. */
  get topLevel(): TopLevel {
    return this.#b.top;
  }
  /** Non-subject objects directly under the prefix. */
  get topLevelFiles(): readonly ObjectInfo[] {
    return this.#b.top.files;
  }
  /** Files directly inside each BIDS pipeline folder (its dataset_description.json, …). */
  get pipelineFiles(): readonly ObjectInfo[] {
    return this.#b.pipelineFiles;
  }
  /** Every key given, in the order given. */
  get keys(): readonly ObjectInfo[] {
    return this.#b.keys;
  }
  /** Files and bytes of every key given. */
  get totals(): { files: number; bytes: number } {
    return { ...this.#b.totals };
  }
  /** Distinct subject/session pairs of the raw data. */
  get sessionCount(): number {
    return this.#b.sessionCount;
  }
  /** The study's own `dataset_description.json`, as a full key, when it has one. */
  get descriptionKey(): string | undefined {
    return this.topLevelKey('dataset_description.json');
  }

  /** The full key of a top-level file (`participants.tsv`, `README`), when the study has it. */
  topLevelKey(name: string): string | undefined {
    const key = joinKey(this.#b.prefix, name);
    return this.#b.top.files.some((o) => o.key === key) ? key : undefined;
  }

  /** Counts, bytes and sessions of a subject; undefined for a subject the listing does not show. */
  subject(id: string): SubjectSummary | undefined {
    const d = this.#b.bySubject.get(id);
    return d && { id, files: d.files, bytes: d.bytes, sessions: sortCodePoints(d.sessions) };
  }

  /** Whether any object on S3 belongs to the subject (participants.tsv may list subjects without data). */
  hasData(id: string): boolean {
    return (this.#b.bySubject.get(id)?.files ?? 0) > 0;
  }

  /**
   * A subject's keys: raw, and derivatives for every pipeline (empty lists included); empty for a
   * subject without keys. The lists are the index's own: read them, do not change them.
   */
  keysOf(id: string): SubjectKeys {
    const d = this.#b.bySubject.get(id);
    return {
      raw: d?.raw ?? [],
      derivatives: Object.fromEntries(this.#b.pipelineNames.map((p) => [p, d?.derivatives.get(p) ?? []])),
    };
  }

  /** Where a key sits in the study, or undefined for a key outside the prefix. */
  place(key: string): KeyPlace | undefined {
    const rel = relativeKey(key, this.#b.prefix);
    return rel === undefined ? undefined : placeOf(rel, this.#b.layout.flavour);
  }

  /** A key's place, data type and file-name entities, read on first ask and kept; undefined outside the prefix. */
  entities(key: string): KeyEntities | undefined {
    let e = this.#b.entities.get(key);
    if (e) return e;
    const rel = relativeKey(key, this.#b.prefix);
    if (rel === undefined) return undefined;
    e = keyEntities(rel, this.#b.layout.flavour);
    this.#b.entities.set(key, e);
    return e;
  }

  /** A key's values for ENTITY_FACETS ('' where it has none), read once and kept. */
  #facetValues(o: ObjectInfo): readonly string[] {
    let v = this.#b.facetValues.get(o);
    if (!v) {
      const e = this.entities(o.key);
      v = ENTITY_FACETS.map((f) => (e ? facetValue(e, f) : ''));
      this.#b.facetValues.set(o, v);
    }
    return v;
  }

  /** The pipelines `includeDerivs` takes (pyAFQ matches by name part: `afq` also takes `afq-extra`). */
  includedPipelines(includeDerivs: DownloadOptions['includeDerivs']): string[] {
    const { derivs } = resolveOptions({ includeDerivs }, this.flavour);
    return this.#b.pipelineNames.filter((p) => pipelineIncluded(p, derivs));
  }

  /**
   * What saving `subjects` with `options` would write, and where; no request, no write. `scope: 'subject'`
   * is pyAFQ's subject download (the subjects' files only, nothing generated). Subjects the index has no
   * keys for add nothing. Throws `InvalidOption` for bad options.
   */
  plan(subjects: readonly string[], options: DownloadOptions = {}, scope: 'study' | 'subject' = 'study'): DownloadPlan {
    return runNow(this.#planSteps(subjects, options, scope));
  }

  /** `plan` in slices that leave the main thread free between them (src/lib/slices). */
  planSliced(subjects: readonly string[], options: DownloadOptions = {}, scope: 'study' | 'subject' = 'study', opts: SliceOptions = {}): Promise<DownloadPlan> {
    return runSliced(this.#planSteps(subjects, options, scope), opts);
  }

  *#planSteps(subjects: readonly string[], options: DownloadOptions, scope: 'study' | 'subject'): Sliced<DownloadPlan> {
    const b = this.#b;
    const chosen = sortCodePoints(new Set(subjects));
    const generated = scope === 'study' && b.layout.flavour === 'hbn' ? [hbnDatasetDescription(b.layout.site, chosen)] : [];
    return yield* planSteps(
      {
        bucket: b.bucket,
        prefix: b.prefix,
        topLevelFiles: b.top.files,
        pipelineFiles: b.pipelineFiles,
        derivativeTypes: b.pipelineNames,
        generated,
        entitiesOf: (key) => this.entities(key),
      },
      chosen.map((id) => this.keysOf(id)),
      resolveOptions(options, b.layout.flavour),
      scope,
    );
  }

  /**
   * Values, files and bytes of each file choice for `subjects` with `options` (see `StudyFacets`). One
   * pass over the subjects' keys; each key's entities are read once and kept. Throws `InvalidOption` for
   * bad options, as `plan` does.
   */
  facets(subjects: readonly string[], options: DownloadOptions = {}, scope: 'study' | 'subject' = 'study'): StudyFacets {
    return runNow(this.#facetSteps(subjects, options, scope));
  }

  /** `facets` in slices that leave the main thread free between them (src/lib/slices). */
  facetsSliced(subjects: readonly string[], options: DownloadOptions = {}, scope: 'study' | 'subject' = 'study', opts: SliceOptions = {}): Promise<StudyFacets> {
    return runSliced(this.#facetSteps(subjects, options, scope), opts);
  }

  /** Raw and derivative files of these subjects, together (what planning or counting them walks through). */
  filesOf(subjects: readonly string[]): number {
    let n = 0;
    for (const id of new Set(subjects)) n += this.#b.bySubject.get(id)?.files ?? 0;
    return n;
  }

  *#facetSteps(subjects: readonly string[], options: DownloadOptions, scope: 'study' | 'subject'): Sliced<StudyFacets> {
    const b = this.#b;
    const opts = resolveOptions(options, b.layout.flavour);
    const n = ENTITY_FACETS.length;
    const counts = ENTITY_FACETS.map(() => new Map<string, FacetCount>());
    const chosenAt = ENTITY_FACETS.map((f) => opts.entityFilters.get(f));
    const tally = (i: number, value: string, size: number, add: boolean) => {
      const m = counts[i]!;
      let c = m.get(value);
      if (!c) m.set(value, (c = { value, files: 0, bytes: 0 }));
      if (add) {
        c.files++;
        c.bytes += size;
      }
    };
    // Keys of pipelines not included are not offered as values; they only count for their pipeline.
    const pipes = new Map(b.pipelineNames.map((p) => [p, { name: p, files: 0, bytes: 0 }]));
    const globs = options.include?.length || options.exclude?.length;
    // Returns whether the key passes every entity filter; counts it under each entity where only that entity's ticks stop it.
    const visit = (o: ObjectInfo, counted: boolean): boolean => {
      if (o.key.endsWith('/') && o.size === 0) return false;
      // The path relative to the study is needed by globs only; the suffix reads the key.
      if (!opts.keepSubjectPath(globs ? (relativeKey(o.key, b.prefix) ?? '') : '', o.key)) return false;
      const values = this.#facetValues(o);
      let failed = 0;
      let failedAt = -1;
      for (let i = 0; i < n; i++) {
        const chosen = chosenAt[i];
        if (chosen && !chosen.has(values[i]!)) {
          failed++;
          failedAt = i;
        }
      }
      if (counted && failed < 2) for (let i = 0; i < n; i++) tally(i, values[i]!, o.size, failed === 0 || failedAt === i);
      else if (counted) for (let i = 0; i < n; i++) tally(i, values[i]!, o.size, false);
      return failed === 0;
    };
    let seen = 0;
    for (const id of new Set(subjects)) {
      const d = b.bySubject.get(id);
      if (!d) continue;
      seen += d.files;
      if (seen >= PAUSE_EVERY) (seen = 0), yield;
      for (const o of d.raw) visit(o, true);
      for (const [p, list] of d.derivatives) {
        const included = pipelineIncluded(p, opts.derivs);
        const t = pipes.get(p);
        for (const o of list) {
          if (visit(o, included) && t) {
            t.files++;
            t.bytes += o.size;
          }
        }
      }
    }
    const defaults = resolveOptions({}, b.layout.flavour);
    const topLevel =
      scope === 'study'
        ? b.top.files.flatMap((o) => {
            const name = relativeKey(o.key, b.prefix);
            return name === undefined ? [] : [{ name, key: o.key, bytes: o.size, taken: topLevelTaken(name, opts), byDefault: topLevelTaken(name, defaults) }];
          })
        : [];
    return {
      entities: Object.fromEntries(ENTITY_FACETS.map((f, i) => [f, [...counts[i]!.values()].sort(byValue)])) as Record<EntityFacet, FacetCount[]>,
      pipelines: [...pipes.values()],
      topLevel,
    };
  }

  /** A copy whose pipelines carry what their dataset_description.json says (parsed JSON by pipeline name). */
  withDescriptions(descriptions: Readonly<Record<string, unknown>>): StudyIndex {
    const merged = new Map(this.#descriptions);
    for (const [name, json] of Object.entries(descriptions)) merged.set(name, describePipeline(json));
    return new StudyIndex(this.#b, merged);
  }
}

function partsOf(listing: StudyListing): IndexParts {
  return { bucket: listing.bucket, prefix: listing.prefix, top: topLevelFromListing(listing), keys: listing.keys, complete: true };
}

/** The index of a whole-study listing: `StudyIndex.fromListing`. */
export function buildStudyIndex(listing: StudyListing, layout: { flavour: Flavour; site?: string }): StudyIndex {
  return StudyIndex.fromListing(listing, layout);
}
