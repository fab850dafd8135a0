// participants.tsv as the explorer shows it, so choosing subjects can start from who they are: filters, sort,
// per-column summaries, subjects without data.
import {
  applyFilters,
  barLabels,
  layerCounts,
  flagMissing,
  parseParticipants,
  sortRows,
  summarise,
  type Column,
  type Filter,
  type ParticipantsTable,
  type SortDirection,
  type Summary,
} from '../lib/index.ts';

/** What a column's plot draws: bar labels and, per layer, a count per bar and the n/a count. */
export interface ColumnPlotData {
  summary: Summary;
  labels: string[];
  layers: { name: string; counts: number[]; missing: number }[];
}

export class ParticipantsState {
  #table = $state.raw<ParticipantsTable | undefined>(undefined);
  #onS3 = $state.raw<ReadonlySet<string>>(new Set());
  #filters = $state.raw<Filter[]>([]);
  #sort = $state.raw<{ column: string; dir: SortDirection } | undefined>(undefined);
  /** True when the table was built from the listing because the study has no participants.tsv. */
  synthetic = $state(false);
  /** Why participants.tsv could not be read, when it could not. */
  error = $state.raw<unknown>(undefined);
  /** While a participants.tsv is being parsed: the fraction done (0 to 1); undefined otherwise. */
  progress = $state<number | undefined>(undefined);

  get table() {
    return this.#table;
  }
  get columns(): Column[] {
    return this.#table?.columns ?? [];
  }
  get filters() {
    return this.#filters;
  }
  get sort() {
    return this.#sort;
  }

  /** Row indices passing the filters, in the chosen order. */
  readonly visible = $derived.by(() => {
    const t = this.#table;
    if (!t) return [] as number[];
    const rows = this.#filters.length ? applyFilters(t, this.#filters) : t.rows.map((_, i) => i);
    return this.#sort ? sortRows(t, this.#sort.column, this.#sort.dir, rows) : rows;
  });

  /** Ids passing the filters, in table order. */
  readonly filteredIds = $derived.by(() => {
    const t = this.#table;
    if (!t) return [] as string[];
    return this.visible.map((i) => String(t.rows[i]!.participant_id));
  });

  readonly summaries = $derived.by(() => {
    const t = this.#table;
    const out = new Map<string, Summary>();
    if (!t) return out;
    for (const c of t.columns) if (c.name !== 'participant_id') out.set(c.name, summarise(t, c.name));
    return out;
  });

  /**
   * A column's plot: bars (bins or categories, from every participant) with three layers counted in
   * them: all participants, those passing the filters, and the chosen ones (`chosen`: selected ids).
   */
  plotOf(column: string, chosen: ReadonlySet<string>): ColumnPlotData | undefined {
    const t = this.#table;
    const summary = this.summaries.get(column);
    if (!t || !summary) return undefined;
    const all = t.rows.map((_, i) => i);
    const picked = all.filter((i) => chosen.has(String(t.rows[i]!.participant_id)));
    return {
      summary,
      labels: barLabels(summary),
      layers: [
        { name: 'All participants', ...layerCounts(t, summary, all) },
        { name: 'Filtered', ...layerCounts(t, summary, this.visible) },
        { name: 'Chosen', ...layerCounts(t, summary, picked) },
      ],
    };
  }

  /** Ids in participants.tsv with no data on S3: kept, but flagged (docs/contract.md, "Subjects"). */
  readonly missing = $derived.by(() => new Set(this.#table ? flagMissing(this.#table, [...this.#onS3]) : []));

  set(table: ParticipantsTable | undefined, subjectsOnS3: readonly string[], synthetic = false) {
    this.#table = table;
    this.#onS3 = new Set(subjectsOnS3);
    this.synthetic = synthetic;
    this.error = undefined;
    this.progress = undefined;
  }

  /** Forgets the previous study's table (filters and sort stay: they may come from the URL). */
  reset() {
    this.#table = undefined;
    this.#onS3 = new Set();
    this.synthetic = false;
    this.error = undefined;
    this.progress = undefined;
  }

  /** No participants.tsv, or it could not be read (`error`): a table of the listing's subjects stands in. */
  standIn(subjectsOnS3: readonly string[], error?: unknown) {
    this.set(parseParticipants('participant_id\n' + subjectsOnS3.join('\n')), subjectsOnS3, true);
    this.error = error;
  }

  filterOf(column: string): Filter | undefined {
    return this.#filters.find((f) => f.column === column);
  }

  setFilter(f: Filter) {
    this.#filters = [...this.#filters.filter((x) => x.column !== f.column), f];
  }

  clearFilter(column: string) {
    this.#filters = this.#filters.filter((x) => x.column !== column);
  }

  setFilters(filters: Filter[]) {
    this.#filters = filters;
  }

  /** Cycles a column through ascending, descending and unsorted. */
  toggleSort(column: string) {
    const s = this.#sort;
    this.#sort = !s || s.column !== column ? { column, dir: 'asc' } : s.dir === 'asc' ? { column, dir: 'desc' } : undefined;
  }

  setSort(sort: { column: string; dir: SortDirection } | undefined) {
    this.#sort = sort;
  }
}
