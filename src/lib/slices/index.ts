// Long loops over a study's keys (building its index, planning, counting file choices), written once as
// generators that pause now and then: `runNow` runs one to the end at once (Node, pyAFQ's synchronous
// API); `runSliced` runs it in slices and gives the browser's main thread back between them, so a study
// of 75,000 keys never freezes the page (README, "Benchmarks": no task over 200 ms). Depends on nothing.

/** Work that yields `undefined` at points where it may pause, and returns its result. */
export type Sliced<T> = Generator<undefined, T, undefined>;

/** Items a loop handles between pause points: small enough to pause often, large enough to cost nothing. */
export const PAUSE_EVERY = 256;

/** Runs the work to its end without pausing. */
export function runNow<T>(work: Sliced<T>): T {
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}

/** Lets the event loop run (input, rendering, network) before continuing: `scheduler.yield` where there is one. */
export function nextTask(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface SliceOptions {
  /** Longest stretch of work between two pauses, in ms. Default 40. */
  budgetMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs the work in slices of about `budgetMs`, letting other tasks run between them. It also pauses before
 * the first slice and after the last: what the caller ran before (often the last slice of other work) and
 * runs after (the next sliced work's first slice) would otherwise share a task with a slice of this.
 */
export async function runSliced<T>(work: Sliced<T>, opts: SliceOptions = {}): Promise<T> {
  const budget = opts.budgetMs ?? 40;
  await nextTask();
  opts.signal?.throwIfAborted();
  let start = performance.now();
  for (;;) {
    const r = work.next();
    if (r.done) {
      await nextTask();
      return r.value;
    }
    if (performance.now() - start >= budget) {
      await nextTask();
      opts.signal?.throwIfAborted();
      start = performance.now();
    }
  }
}

/** Sorts in slices: sorted runs of `PAUSE_EVERY × 16` items, merged pairwise (a stable merge sort). */
export function* sortSliced<T>(items: T[], compare: (a: T, b: T) => number): Sliced<T[]> {
  const run = PAUSE_EVERY * 16;
  let runs: T[][] = [];
  for (let i = 0; i < items.length; i += run) {
    runs.push(items.slice(i, i + run).sort(compare));
    yield;
  }
  while (runs.length > 1) {
    const next: T[][] = [];
    for (let k = 0; k < runs.length; k += 2) {
      const a = runs[k]!;
      const b = runs[k + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const out: T[] = new Array(a.length + b.length);
      let i = 0;
      let j = 0;
      let n = 0;
      while (i < a.length && j < b.length) {
        out[n++] = compare(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!;
        if ((n & (PAUSE_EVERY * 16 - 1)) === 0) yield;
      }
      while (i < a.length) out[n++] = a[i++]!;
      while (j < b.length) out[n++] = b[j++]!;
      next.push(out);
      yield;
    }
    runs = next;
  }
  return runs[0] ?? [];
}
