// Which subjects to save: all, by hand, from the current filter, or a seeded random subset drawn as pyAFQ
// draws it, so a script can repeat the choice.
import { drawSeed, selectSubjects } from '../lib/index.ts';
import { parseSeed, type SelectionMode } from './url.ts';
import { describeProblem, type Problem } from './errors.ts';

export class SelectionState {
  #subjects: () => readonly string[];
  #filtered: () => readonly string[];
  mode = $state<SelectionMode>('random');
  /** Picked by hand. */
  #picked = $state.raw<ReadonlySet<string>>(new Set());
  n = $state(1);
  seed = $state<number | undefined>(undefined);
  fromFiltered = $state(false);

  constructor(subjects: () => readonly string[], filtered: () => readonly string[]) {
    this.#subjects = subjects;
    this.#filtered = filtered;
  }

  get picked() {
    return this.#picked;
  }

  /** The chosen subjects, sorted, or the reason there are none. */
  readonly result = $derived.by((): { ids: string[]; error?: unknown } => {
    const onS3 = this.#subjects();
    const has = new Set(onS3);
    try {
      switch (this.mode) {
        case 'all':
          return { ids: [...onS3] };
        case 'hand':
          return { ids: [...this.#picked].filter((id) => has.has(id)).sort() };
        case 'filter':
          return { ids: this.#filtered().filter((id) => has.has(id)).sort() };
        case 'random': {
          const pool = this.fromFiltered ? this.candidates : onS3;
          if (this.seed === undefined) return { ids: [] };
          return { ids: selectSubjects(pool, Math.max(1, this.n), this.seed).subjects };
        }
      }
    } catch (e) {
      return { ids: [], error: e };
    }
  });

  /** The participants passing the filters that have data on S3: what "all candidates" and a filtered draw use. */
  get candidates(): string[] {
    const has = new Set(this.#subjects());
    return this.#filtered().filter((id) => has.has(id));
  }

  /** How many the random draw picks from. */
  get poolSize(): number {
    return this.fromFiltered ? this.candidates.length : this.#subjects().length;
  }

  /** Said next to "How many" when it asks for more than there are: all of them are chosen, not silently fewer. */
  get countNotice(): string | undefined {
    if (this.mode !== 'random') return undefined;
    const pool = this.poolSize;
    return this.n > pool ? `Only ${pool} ${this.fromFiltered ? 'candidates' : 'subjects'} to draw from: all ${pool} are chosen, not ${this.n}.` : undefined;
  }

  get ids(): string[] {
    return this.result.ids;
  }

  /** Why the choice is empty, when it is an error (an unknown subject, no subjects to draw from). */
  readonly problem = $derived<Problem | undefined>(this.result.error ? describeProblem(this.result.error) : undefined);

  setMode(mode: SelectionMode) {
    // "By hand" with nothing picked by hand yet starts from what is chosen now: a mode change never
    // empties the choice silently (earlier hand picks, when there are some, come back as they were).
    if (mode === 'hand' && this.mode !== 'hand' && this.#picked.size === 0) this.#picked = new Set(this.ids);
    this.mode = mode;
    if (mode === 'random' && this.seed === undefined) this.seed = drawSeed();
  }

  /** A fresh seed, shown to the user so the draw can be repeated. */
  newSeed() {
    this.seed = drawSeed();
  }

  setSeed(text: string) {
    const seed = parseSeed(text);
    if (seed !== undefined) this.seed = seed;
  }

  /**
   * Ticks or unticks a row. The table shows the chosen set in every mode, so a tick outside "by hand"
   * first keeps the current choice as hand picks, then changes that one subject: nothing is dropped.
   */
  toggle(id: string) {
    const next = new Set(this.mode === 'hand' ? this.#picked : this.ids);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.#picked = next;
    this.mode = 'hand';
  }

  setPicked(ids: Iterable<string>) {
    this.#picked = new Set(ids);
  }

  /** Turns the current choice into a hand-picked list, to adjust it one by one. */
  keepAsPicked() {
    this.#picked = new Set(this.ids);
    this.mode = 'hand';
  }
}
