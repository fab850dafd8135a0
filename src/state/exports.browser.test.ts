// The export dialog's state in Chromium (Svelte effects run only in the browser build): it follows the
// format, the study and the plan while followed, keeps a download link of its text, and stops when told.
// Formatting needs no S3 request, so no S3 server is involved; src/lib/export's tests run the scripts.
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { buildStudyIndex, createS3Client, type DownloadPlan, type S3BIDSStudy, type StudyListing } from '../lib/index.ts';
import { AppState } from './app.svelte.ts';
import { createServices } from './services.ts';
import { planKey } from './save.svelte.ts';
import { ExportState } from './exports.svelte.ts';

const plan = (names: string[]): DownloadPlan => ({
  bucket: 'b',
  prefix: 'p',
  entries: names.map((n) => ({ key: `p/${n}`, size: 3, etag: '', localPath: n, action: 'download' as const })),
});

describe('ExportState', () => {
  it('follows the study, the plan and the format, with a download link of the text, until stopped', async () => {
    const app = new AppState(createServices());
    // The plan is set by hand below; the save state's own planning (over a stand-in listing) is off.
    app.save.dispose();
    const ex = new ExportState(app);
    const stop = ex.follow();
    flushSync();
    await expect.poll(() => ex.problem?.code).toBe('NoPlan');
    expect(ex.text).toBe('');
    expect(ex.href).toBe('');

    // A study that could not be listed here: the whole prefix.
    app.study.text = 's3://bkt/p';
    app.study.status = 'error';
    app.study.location = { bucket: 'b', prefix: 'p', flavour: 'bids', studyId: 'ds' };
    await expect.poll(() => ex.text).toContain('copies the whole study prefix');
    expect(ex.problem).toBeUndefined();

    // A listed study: the plan made for the current choice (a plan for another choice is not used).
    app.study.client = createS3Client({ endpoint: 'http://127.0.0.1:9' });
    const listing: StudyListing = { endpoint: 'aws', bucket: 'b', prefix: 'p', topFolders: [], topObjects: [], keys: [], listedAt: '2024-01-01T00:00:00Z' };
    app.study.listing = listing;
    app.study.model = { allSubjects: ['sub-01', 'sub-02'], bucket: 'b', index: buildStudyIndex(listing, { flavour: 'bids' }) } as unknown as S3BIDSStudy;
    app.selection.mode = 'all';
    app.study.status = 'ready';
    const current = (names: string[]) => {
      app.save.plan = plan(names);
      app.save.planFor = planKey(app.planInput()!);
    };
    app.save.plan = plan(['sub-09/stale.nii.gz']);
    await expect.poll(() => ex.problem?.title).toBe('Working out the plan');
    expect(ex.text).toBe('');
    current(['sub-01/a.nii.gz', 'sub-02/b.nii.gz']);
    await expect.poll(() => ex.text).toMatch(/^#!\/usr\/bin\/env bash\n# AWS CLI copy: 2 object\(s\)/);
    expect(ex.fileName).toBe('s3bids-p-aws.sh');

    ex.format = 'batch';
    await expect.poll(() => ex.text).toBe('b,p/sub-01/a.nii.gz\nb,p/sub-02/b.nii.gz\n');
    expect(ex.fileName).toBe('s3bids-p-manifest.csv');
    const href = ex.href;
    expect(href).toMatch(/^blob:/);
    expect(await (await fetch(href)).text()).toBe(ex.text);

    current(['sub-03/c.nii.gz']);
    await expect.poll(() => ex.text).toBe('b,p/sub-03/c.nii.gz\n');
    // The previous link was let go when the text changed.
    await expect(fetch(href)).rejects.toThrow();

    const last = ex.href;
    stop();
    expect(ex.href).toBe('');
    await expect(fetch(last)).rejects.toThrow();
    const before = ex.text;
    current(['sub-04/d.nii.gz']);
    flushSync();
    await new Promise((r) => setTimeout(r, 0));
    expect(ex.text).toBe(before);
  });
});
