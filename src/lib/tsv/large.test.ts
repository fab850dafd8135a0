import { describe, expect, it } from 'vitest';
import { parseParticipants } from './parse.ts';
import { applyFilters, sortRows } from './query.ts';
import { summarise } from './summarise.ts';

/** A participants.tsv shaped like HBN's: ids, numbers, categories, free text, some n/a. */
function makeTsv(n: number): string {
  const sites = ['SI', 'RU', 'CBIC', 'CUNY'];
  const lines = ['participant_id\tage\tsex\tsite\thandedness\tehq_total\tcomment'];
  let x = 12345;
  const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    const age = rand() < 0.03 ? 'n/a' : (5 + rand() * 17).toFixed(3);
    lines.push(
      [
        `sub-NDAR${String(i).padStart(7, '0')}`,
        age,
        rand() < 0.5 ? 'M' : 'F',
        sites[i % 4],
        rand() < 0.1 ? 'left' : 'right',
        rand() < 0.05 ? 'n/a' : String(Math.round(rand() * 200 - 100)),
        `note ${i} with words`,
      ].join('\t'),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

describe('large files', () => {
  // Timing is the bench's job (participants-10k-parse/-filter/-render in `npm run bench`); this checks
  // that a file of 100,000 rows is handled correctly, with its times logged for a reader.
  it('100,000 rows parse, filter, sort and summarise', () => {
    const text = makeTsv(100_000);
    const [t, parseMs] = timed(() => parseParticipants(text));
    expect(t.rows).toHaveLength(100_000);
    expect(t.ids).toHaveLength(100_000);
    expect(t.columns.map((c) => c.kind)).toEqual(['text', 'number', 'category', 'category', 'category', 'number', 'text']);
    const [hits, filterMs] = timed(() =>
      applyFilters(t, [
        { column: 'age', kind: 'range', min: 8, max: 12 },
        { column: 'site', kind: 'pick', values: ['RU'] },
      ]),
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((i) => t.rows[i]!.site === 'RU')).toBe(true);
    const [order, sortMs] = timed(() => sortRows(t, 'comment', 'desc'));
    expect(t.rows[order[0]!]!.comment).toBe('note 99999 with words');
    const [, sumMs] = timed(() => t.columns.forEach((c) => summarise(t, c.name)));
    console.log(
      `participants-100k: parse ${parseMs.toFixed(0)} ms, filter ${filterMs.toFixed(1)} ms, ` +
        `sort text ${sortMs.toFixed(0)} ms, summarise all ${sumMs.toFixed(0)} ms`,
    );
  });
});
