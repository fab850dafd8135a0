import { describe, expect, it } from 'vitest';
import { PAUSE_EVERY, runNow, runSliced, sortSliced, type Sliced } from './index.ts';

function* count(n: number): Sliced<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += i;
    if (i % PAUSE_EVERY === 0) yield;
  }
  return sum;
}

describe('sliced work', () => {
  it('gives the same result at once and in slices', async () => {
    expect(runNow(count(10_000))).toBe(49_995_000);
    expect(await runSliced(count(10_000), { budgetMs: 0 })).toBe(49_995_000);
  });

  it('lets other tasks run between slices', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    // Each pause point waits for the next task: a timer due meanwhile fires before the work ends.
    await runSliced(count(PAUSE_EVERY * 50), { budgetMs: 0 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    // Run at once, nothing else gets a turn.
    ticks = 0;
    const again = setInterval(() => ticks++, 0);
    runNow(count(PAUSE_EVERY * 50));
    const during = ticks;
    clearInterval(again);
    expect(during).toBe(0);
  });

  it('gives a task to others before its first slice and after its last', async () => {
    // Without these pauses, the caller's work just before and just after would share a task with a slice.
    const order: string[] = [];
    setTimeout(() => order.push('task queued before'), 0);
    const done = runSliced(
      (function* () {
        order.push('first slice');
        setTimeout(() => order.push('task queued in the last slice'), 0);
        return 1;
      })(),
    ).then(() => order.push('caller continues'));
    order.push('caller, same task');
    await done;
    expect(order).toEqual(['caller, same task', 'task queued before', 'first slice', 'task queued in the last slice', 'caller continues']);
  });

  it('stops at a pause point when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runSliced(count(PAUSE_EVERY * 10), { budgetMs: 0, signal: ac.signal })).rejects.toThrow();
  });

  it('sorts as Array.prototype.sort does, stably, across many runs', () => {
    let x = 7;
    const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x);
    for (const n of [0, 1, 2, PAUSE_EVERY * 16 - 1, PAUSE_EVERY * 16 * 5 + 3]) {
      const items = Array.from({ length: n }, (_, i) => ({ k: rand() % 50, i }));
      const byK = (a: { k: number }, b: { k: number }) => a.k - b.k;
      expect(runNow(sortSliced([...items], byK))).toEqual([...items].sort(byK));
    }
  });
});
