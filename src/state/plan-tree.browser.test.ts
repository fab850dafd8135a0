// The plan tree state in Chromium (Svelte effects run only in the browser build): a big plan's tree is
// grouped in slices, says so meanwhile, and equals the tree built at once.
import { describe, expect, it } from 'vitest';
import { buildPlanTree, type DownloadPlan } from '../lib/index.ts';
import { PlanTreeState } from './plan-tree.svelte.ts';

const plan = (subjects: number, tag: string): DownloadPlan => ({
  bucket: 'b',
  prefix: 'p',
  entries: Array.from({ length: subjects }, (_, i) => `sub-${String(i).padStart(5, '0')}`).flatMap((s) =>
    ['anat/T1w.nii.gz', 'dwi/dwi.nii.gz', 'dwi/dwi.bval', 'func/bold.nii.gz'].map((f) => ({
      key: `p/${s}/ses-1/${f}`,
      localPath: `${s}/ses-1/${s}_${tag}_${f}`,
      size: 10,
      etag: '',
      action: 'download' as const,
    })),
  ),
});

describe('a big plan as a tree', () => {
  it('is grouped in slices, to the same tree as at once', async () => {
    const big = plan(6000, 'a');
    const t = new PlanTreeState(() => big);
    expect(t.grouping).toBe(false); // closed: nothing is built
    t.open = true;
    expect(t.grouping).toBe(true);
    expect(t.tree).toBeUndefined();
    await expect.poll(() => t.tree, { timeout: 60_000 }).toEqual(buildPlanTree(big));
    expect(t.grouping).toBe(false);
    expect(t.rows).toHaveLength(6000);
    t.dispose();
  });
});
