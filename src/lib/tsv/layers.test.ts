import { describe, expect, it } from 'vitest';
import { barLabels, layerCounts } from './layers.ts';
import { parseParticipants } from './parse.ts';
import { summarise } from './summarise.ts';

const table = parseParticipants('participant_id\tage\tsex\nsub-1\t20\tF\nsub-2\t25\tM\nsub-3\tn/a\tF\nsub-4\t39\tn/a\nsub-5\t40\tX\n');

describe('plot layers', () => {
  it('counts any rows in the bins every participant defines, n/a apart', () => {
    const s = summarise(table, 'age');
    expect(layerCounts(table, s, [0, 1, 2, 3, 4]).counts).toEqual(s.kind === 'number' ? s.counts : []);
    const some = layerCounts(table, s, [1, 2]);
    expect(some.missing).toBe(1);
    expect(some.counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(barLabels(s)).toHaveLength(some.counts.length);
    expect(barLabels(s)[0]).toMatch(/^\d+–\d+$/);
  });

  it('counts categories in the order of the summary, with n/a', () => {
    const s = summarise(table, 'sex');
    const labels = barLabels(s);
    const all = layerCounts(table, s, [0, 1, 2, 3, 4]);
    expect(Object.fromEntries(labels.map((l, i) => [l, all.counts[i]]))).toEqual({ F: 2, M: 1, X: 1 });
    expect(all.missing).toBe(1);
    expect(layerCounts(table, s, [2]).counts).toEqual(labels.map((l) => (l === 'F' ? 1 : 0)));
  });
});
