import { describe, expect, it } from 'vitest';
import { PlanTreeState } from './plan-tree.svelte.ts';
import type { DownloadPlan } from '../lib/index.ts';

const plan = (subjects: string[]): DownloadPlan => ({
  bucket: 'b',
  prefix: 'p',
  entries: subjects.flatMap((s) => [
    { key: `p/${s}/anat/${s}_T1w.nii.gz`, localPath: `${s}/anat/${s}_T1w.nii.gz`, size: 10, etag: '"a"', action: 'download' as const },
    { key: `p/${s}/dwi/${s}_dwi.nii.gz`, localPath: `${s}/dwi/${s}_dwi.nii.gz`, size: 5, etag: '"b"', action: 'skip' as const },
  ]),
});

describe('the plan tree state', () => {
  it('builds the tree only while open, and opens and closes nodes by id', () => {
    let current: DownloadPlan | undefined = plan(['sub-01', 'sub-02']);
    const t = new PlanTreeState(() => current);
    expect(t.tree).toBeUndefined();
    expect(t.rows).toEqual([]);
    t.open = true;
    expect(t.rows.map((r) => r.node.label)).toEqual(['sub-01', 'sub-02']);
    expect(t.tree!.story.planned).toEqual({ files: 4, bytes: 30 });
    t.toggle('s:sub-02');
    expect(t.rows.map((r) => r.node.label)).toEqual(['sub-01', 'sub-02', 'anat', 'dwi']);
    expect(t.rows[1]!.expanded).toBe(true);
    t.toggle('s:sub-02');
    expect(t.isExpanded('s:sub-02')).toBe(false);
    // Open nodes are ids (places), not nodes of one plan: in another plan the same subject is open.
    current = plan(['sub-02', 'sub-03']);
    const fresh = new PlanTreeState(() => current);
    fresh.open = true;
    fresh.setExpanded('s:sub-02', true);
    expect(fresh.rows.map((r) => r.node.label)).toEqual(['sub-02', 'anat', 'dwi', 'sub-03']);
    fresh.collapseAll();
    expect(fresh.rows).toHaveLength(2);
  });
});
