// The plan opened as a tree (README.md, "Using the app"): which nodes are open, and the rows that shows.
// The tree is only built while it is open, so a large plan costs nothing until someone looks at it; a
// big plan's tree is built in slices, so the page stays responsive meanwhile.
import { buildPlanTree, buildPlanTreeSliced, visibleRows, type DownloadPlan, type PlanTree, type PlanTreeRow } from '../lib/index.ts';

/** Files grouped at once; a bigger plan is grouped in slices (src/lib/slices). */
const GROUP_AT_ONCE = 20_000;

export class PlanTreeState {
  #plan: () => DownloadPlan | undefined;
  #open = $state(false);
  #expanded = $state.raw<ReadonlySet<string>>(new Set());

  /** The last tree built in slices, and of which plan. */
  #sliced = $state.raw<{ plan: DownloadPlan; tree: PlanTree } | undefined>(undefined);
  #stop: () => void;

  constructor(plan: () => DownloadPlan | undefined) {
    this.#plan = plan;
    this.#stop = $effect.root(() => {
      $effect(() => {
        const p = this.#plan();
        if (!this.#open || !p || p.entries.length <= GROUP_AT_ONCE) return;
        const ac = new AbortController();
        buildPlanTreeSliced(p, { signal: ac.signal }).then(
          (tree) => void (this.#sliced = { plan: p, tree }),
          () => undefined, // Stopped: a newer plan or a closed view.
        );
        return () => ac.abort();
      });
    });
  }

  /** Stops following the plan. */
  dispose(): void {
    this.#stop();
  }

  /** A big plan's tree is being grouped. */
  get grouping(): boolean {
    const p = this.#plan();
    return this.#open && !!p && p.entries.length > GROUP_AT_ONCE && this.#sliced?.plan !== p;
  }

  /** Whether the plan view is shown. */
  get open(): boolean {
    return this.#open;
  }
  set open(v: boolean) {
    this.#open = v;
  }

  /** Ids of the open nodes; kept when the plan changes, so the same places stay open. */
  get expanded(): ReadonlySet<string> {
    return this.#expanded;
  }

  readonly tree: PlanTree | undefined = $derived.by(() => {
    const plan = this.#plan();
    if (!this.#open || !plan) return undefined;
    if (plan.entries.length <= GROUP_AT_ONCE) return buildPlanTree(plan);
    return this.#sliced?.plan === plan ? this.#sliced.tree : undefined;
  });

  readonly rows: PlanTreeRow[] = $derived(this.tree ? visibleRows(this.tree, this.#expanded) : []);

  isExpanded(id: string): boolean {
    return this.#expanded.has(id);
  }

  toggle(id: string): void {
    this.setExpanded(id, !this.#expanded.has(id));
  }

  setExpanded(id: string, open: boolean): void {
    if (this.#expanded.has(id) === open) return;
    const next = new Set(this.#expanded);
    if (open) next.add(id);
    else next.delete(id);
    this.#expanded = next;
  }

  collapseAll(): void {
    this.#expanded = new Set();
  }
}
