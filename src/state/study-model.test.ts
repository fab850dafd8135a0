// The study model is opened from a listing already in hand, once per choice of subjects.
import { describe, expect, it } from 'vitest';
import { HBNSite, S3BIDSStudy, createS3Client, parseLocation, type StudyListing } from '../lib/index.ts';
import { StudyModels, type ModelChoice } from './study-model.ts';

const listingOf = (bucket: string, prefix: string, rels: string[]): StudyListing => ({
  endpoint: 'aws',
  bucket,
  prefix,
  topFolders: [...new Set(rels.filter((r) => r.includes('/')).map((r) => r.slice(0, r.indexOf('/') + 1)))],
  topObjects: rels.filter((r) => !r.includes('/')).map((r) => ({ key: `${prefix}/${r}`, size: 1, etag: '' })),
  keys: rels.map((r) => ({ key: `${prefix}/${r}`, size: 1, etag: '' })),
  listedAt: '2024-01-01T00:00:00Z',
});

const client = createS3Client({ anon: true, region: 'us-east-1' });
const location = parseLocation('s3://bucket/study');
const listing = listingOf('bucket', 'study', ['dataset_description.json', 'sub-01/anat/a.nii.gz', 'sub-02/anat/a.nii.gz', 'sub-03/anat/a.nii.gz']);
const choice = (subjects: ModelChoice['subjects'], seed?: number): ModelChoice => ({ client, location, source: { listing }, subjects, seed });

describe('study models', () => {
  it('reuses the model while the choice stands, and opens a new one when it changes', async () => {
    const models = new StudyModels();
    const first = models.get(choice(['sub-01', 'sub-02'], 7));
    expect(models.get(choice(['sub-01', 'sub-02'], 7))).toBe(first);
    const model = await first;
    expect(model).toBeInstanceOf(S3BIDSStudy);
    expect(model.subjects.map((s) => s.subjectId)).toEqual(['sub-01', 'sub-02']);
    const other = models.get(choice(['sub-01', 'sub-03'], 7));
    expect(other).not.toBe(first);
    expect((await other).subjects.map((s) => s.subjectId)).toEqual(['sub-01', 'sub-03']);
    expect(models.get(choice(['sub-01', 'sub-03'], 8))).not.toBe(other);
    expect(models.get(choice('all', 8))).not.toBe(other);
  });

  it("plans from the open study's index without building another", async () => {
    const models = new StudyModels();
    const index = (await models.get(choice('all', 0))).index;
    const model = await models.get({ client, location, source: { index }, subjects: ['sub-02'], seed: 0 });
    expect(model.index).toBe(index);
    expect((await model.plan()).entries.map((e) => e.localPath)).toEqual(['dataset_description.json', 'sub-02/anat/a.nii.gz']);
  });

  it('opens an HBN site as HBNSite, and forgets a choice that failed', async () => {
    const hbn = parseLocation('Site-SI');
    const hbnListing = listingOf(hbn.bucket, hbn.prefix, ['sub-A/anat/a.nii.gz', 'derivatives/sub-A/dmriprep/x']);
    const models = new StudyModels();
    const site = await models.get({ client, location: hbn, source: { listing: hbnListing }, subjects: 'all', seed: 0 });
    expect(site).toBeInstanceOf(HBNSite);
    expect(site.derivativeTypes).toEqual(['dmriprep']);
    const bad = models.get(choice(['sub-99'], 0));
    await expect(bad).rejects.toMatchObject({ code: 'UnknownSubject' });
    expect(models.get(choice(['sub-99'], 0))).not.toBe(bad);
  });
});
