import { describe, expect, it } from 'vitest';
import { buildPlanTree, buildPlanTreeSliced, fileState, placeOf, planStory, visibleRows } from './tree.ts';
import type { PlanEntry } from './types.ts';

const e = (localPath: string, size: number, more: Partial<PlanEntry> = {}): PlanEntry => ({ key: `p/${localPath}`, localPath, size, etag: '"x"', action: 'download', ...more });

const entries: PlanEntry[] = [
  e('dataset_description.json', 10, { action: 'skip' }),
  e('participants.tsv', 20),
  e('sub-02/anat/sub-02_T1w.nii.gz', 1000),
  e('sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz', 500, { action: 'skip' }),
  e('sub-01/ses-1/dwi/sub-01_ses-1_dwi.nii.gz', 300, { action: 'skip', conflict: 'edited here' }),
  e('sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz', 400, { action: 'overwrite' }),
  e('sub-01/sub-01_sessions.tsv', 5),
  e('derivatives/afq/sub-01/ses-1/dwi/sub-01_ses-1_model.nii.gz', 70),
  { localPath: 'derivatives/afq/dataset_description.json', size: 30, etag: '', action: 'generate', content: '{}' },
  e('sub-03/anat/bad:name.nii', 99, { refused: 'a bad character' }),
];

describe('file states', () => {
  it('reads the action, the conflict and refusal', () => {
    expect(entries.map(fileState)).toEqual(['there', 'new', 'new', 'there', 'differs', 'replace', 'new', 'new', 'generated', 'refused']);
  });
});

describe('placing a file', () => {
  it.each([
    ['sub-01/ses-1/anat/x.nii', { subject: 'sub-01', session: 'ses-1', datatype: 'anat', name: 'x.nii' }],
    ['sub-01/anat/x.nii', { subject: 'sub-01', datatype: 'anat', name: 'x.nii' }],
    ['sub-01/sub-01_sessions.tsv', { subject: 'sub-01', name: 'sub-01_sessions.tsv' }],
    ['derivatives/afq/sub-01/dwi/m.nii', { subject: 'sub-01', datatype: 'derivatives/afq · dwi', name: 'm.nii' }],
    ['derivatives/afq/sub-01/m.nii', { subject: 'sub-01', datatype: 'derivatives/afq', name: 'm.nii' }],
    ['derivatives/afq/dataset_description.json', { name: 'dataset_description.json' }],
    ['README', { name: 'README' }],
  ])('%s', (path, want) => expect(placeOf(path)).toEqual(want));
});

describe('the plan tree', () => {
  const tree = buildPlanTree({ entries });
  it('has subjects in order, then the study files', () => {
    expect(tree.roots.map((n) => n.label)).toEqual(['sub-01', 'sub-02', 'sub-03', 'Study files']);
  });
  it('tells one story of bytes: planned = there + to fetch, refused apart, equal to the plan total', () => {
    const s = tree.story;
    expect(s.planned).toEqual({ files: 9, bytes: 10 + 20 + 1000 + 500 + 300 + 400 + 5 + 70 + 30 });
    expect(s.there).toEqual({ files: 3, bytes: 810 });
    expect(s.toFetch).toEqual({ files: 6, bytes: s.planned.bytes - 810 });
    expect(s.refused).toEqual({ files: 1, bytes: 99 });
    expect(s.byState.differs).toEqual({ files: 1, bytes: 300 });
    expect(planStory({ entries })).toEqual(s);
    // The roots add up to the whole.
    const sum = tree.roots.reduce((a, n) => a + n.story.planned.bytes, 0);
    expect(sum).toBe(s.planned.bytes);
  });
  it('counts bytes per subject, session and datatype', () => {
    const sub1 = tree.roots[0]!;
    expect(sub1.story.planned.bytes).toBe(500 + 300 + 400 + 5 + 70);
    expect(sub1.children.map((n) => `${n.kind}:${n.label}`)).toEqual(['session:ses-1', 'session:ses-2', 'file:sub-01_sessions.tsv']);
    const ses1 = sub1.children[0]!;
    expect(ses1.children.map((n) => n.label)).toEqual(['anat', 'derivatives/afq · dwi', 'dwi']);
    expect(ses1.story.there.bytes).toBe(800);
    expect(ses1.story.toFetch.bytes).toBe(70);
    const dwi = ses1.children[2]!;
    expect(dwi.children[0]!.state).toBe('differs');
    expect(tree.roots[2]!.story.planned.files).toBe(0);
    expect(tree.roots[2]!.story.refused.files).toBe(1);
  });
  it('flattens only expanded nodes, with level and position', () => {
    expect(visibleRows(tree, new Set()).map((r) => r.node.label)).toEqual(['sub-01', 'sub-02', 'sub-03', 'Study files']);
    const rows = visibleRows(tree, new Set(['s:sub-01', 's:sub-01/ses-2', 's:sub-01/ses-2/d:anat', 'study', 'not-a-node']));
    expect(rows.map((r) => `${r.level}${r.expanded ? '-' : '+'}${r.node.label}`)).toEqual([
      '1-sub-01',
      '2+ses-1',
      '2-ses-2',
      '3-anat',
      '4+sub-01_ses-2_T1w.nii.gz',
      '2+sub-01_sessions.tsv',
      '1+sub-02',
      '1+sub-03',
      '1-Study files',
      '2+derivatives/afq',
      '2+dataset_description.json',
      '2+participants.tsv',
    ]);
    expect(rows[1]).toMatchObject({ pos: 1, size: 3, parent: 's:sub-01' });
  });
  it('groups 25,000 files in one pass', () => {
    const many: PlanEntry[] = [];
    for (let s = 0; s < 1000; s++) for (let k = 0; k < 25; k++) many.push(e(`sub-${s}/anat/f${k}.txt`, k));
    const big = buildPlanTree({ entries: many });
    expect(big.roots).toHaveLength(1000);
    expect(big.story.planned).toEqual({ files: 25_000, bytes: 1000 * 300 });
    expect(visibleRows(big, new Set())).toHaveLength(1000);
  });
});

describe('the plan tree in slices', () => {
  it('equals the tree built at once', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => e(`sub-${String(i % 700).padStart(3, '0')}/ses-${i % 3}/anat/f${i}.nii.gz`, i, i % 5 ? {} : { action: 'skip' }));
    const all = [...entries, ...many];
    expect(await buildPlanTreeSliced({ entries: all }, { budgetMs: 0 })).toEqual(buildPlanTree({ entries: all }));
  });
});
