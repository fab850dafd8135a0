// The plan opened as a tree (README.md, "Using the app"): which nodes are open, and the rows that shows.
// The tree is only built while it is open, so a large plan costs nothing until someone looks at it.
import { buildPlanTree, visibleRows, type DownloadPlan, type PlanTree, type PlanTreeRow } from '../lib/index.ts';

export class PlanTreeState {
  #plan: () => DownloadPlan | undefined;
  #open = $state(false);
  #expanded = $state.raw<ReadonlySet<string>>(new Set());

  constructor(plan: () => DownloadPlan | undefined) {
    this.#plan = plan;
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
    return this.#open && plan ? buildPlanTree(plan) : undefined;
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
