// The options state in Chromium (Svelte effects run only in the browser build): a big choice's file counts
// are worked out in slices, off the way of the page, and equal the counts made at once.
import { describe, expect, it } from 'vitest';
import { buildStudyIndex } from '../lib/index.ts';
import { OptionsState } from './options.svelte.ts';
import { hbnScaleStudy } from '#harness/fixtures/hbn-scale.ts';

describe('file choices of a big study', () => {
  it('are counted in slices, to the same counts as at once', async () => {
    // 600 subjects: 22,806 keys, over the count done at once.
    const site = hbnScaleStudy(600);
    const objects = site.files.map((f) => ({ key: `big/${f.key}`, size: f.body.length, etag: 'e' })).sort((a, b) => (a.key < b.key ? -1 : 1));
    const index = buildStudyIndex(
      { endpoint: 'aws', bucket: 'b', prefix: 'big', topFolders: [], topObjects: objects.filter((o) => !o.key.slice(4).includes('/')), keys: objects, listedAt: '' },
      { flavour: 'bids' },
    );
    const subjects = site.subjects.slice(0, 590);
    const o = new OptionsState(() => index.pipelineNames, () => ({ index, subjects }));
    o.derivs = 'all';
    const all = index.facets(subjects, { includeDerivs: true });
    await expect.poll(() => o.facets, { timeout: 60_000 }).toEqual(all);
    // A tick is counted again, in slices too.
    o.toggleEntity('datatype', 'anat');
    const anat = index.facets(subjects, o.downloadOptions);
    expect(anat).not.toEqual(all);
    await expect.poll(() => o.facets, { timeout: 60_000 }).toEqual(anat);
    o.dispose();
  });
});

