import { describe, expect, it } from 'vitest';
import { OFF_THREAD_CHARS, parseParticipantsOffThread } from './index.ts';

/** A participants.tsv of `n` rows, about 90 characters each. */
function bigTsv(n: number): string {
  const lines = ['participant_id\tage\tsex\tsite\tnote'];
  for (let i = 0; i < n; i++)
    lines.push(`sub-NDAR${String(i).padStart(7, '0')}\t${i % 50 === 0 ? 'n/a' : (5 + (i % 170) / 10).toFixed(1)}\t${i % 2 ? 'M' : 'F'}\tsite-${i % 4}\tfree text for row ${i} to make the file long enough`);
  return lines.join('\n') + '\n';
}

describe('a participants.tsv over 10 MB in Chromium', () => {
  it('is parsed in a worker with progress while the page keeps running', async () => {
    const text = bigTsv(130_000);
    expect(text.length).toBeGreaterThan(OFF_THREAD_CHARS);
    const progress: number[] = [];
    // The page's own thread: a timer loop that can only advance while nothing blocks it.
    let ticks = 0;
    let ticksAtFirstProgress = -1;
    let running = true;
    const loop = () => {
      ticks++;
      if (running) setTimeout(loop, 0);
    };
    loop();
    const t = await parseParticipantsOffThread(text, undefined, {
      onProgress: (f) => {
        if (ticksAtFirstProgress < 0) ticksAtFirstProgress = ticks;
        progress.push(f);
      },
    });
    const ticksAtEnd = ticks;
    running = false;
    expect(t.offThread).toBe(true);
    expect(t.rows).toHaveLength(130_000);
    expect(t.ids[129_999]).toBe('sub-NDAR0129999');
    expect(t.columns.map((c) => c.kind)).toEqual(['text', 'number', 'category', 'category', 'text']);
    expect(t.rows[0]!.age).toBeNull();
    // Progress arrived in several steps, rising, ending at 1; the page's timers ran between them.
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
    expect(ticksAtEnd).toBeGreaterThan(ticksAtFirstProgress);
  });

  it('refusals travel back from the worker as the engine error', async () => {
    const text = 'subject\tage\n' + `x\t${'1'.repeat(120)}\n`.repeat(90_000);
    const err = await parseParticipantsOffThread(text).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('InvalidOption');
    expect((err as Error).message).toMatch(/no participant_id column/);
  });
});
