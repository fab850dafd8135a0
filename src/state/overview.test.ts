import { describe, expect, it } from 'vitest';
import { buildStudyIndex, describePipeline, type StudyListing } from '../lib/index.ts';
import { overviewOf, pipelinesOf } from './overview.ts';

const listing = (prefix: string, keys: [string, number][]): StudyListing => ({
  endpoint: 'aws',
  bucket: 'b',
  prefix,
  topFolders: [],
  topObjects: [],
  keys: keys.map(([k, size]) => ({ key: prefix ? `${prefix}/${k}` : k, size, etag: '' })),
  listedAt: '2024-01-01T00:00:00Z',
});

describe('overview figures', () => {
  it('counts sessions, files and bytes under the prefix', () => {
    const l = listing('p/q', [
      ['sub-01/ses-1/anat/a.nii.gz', 10],
      ['sub-01/ses-2/anat/a.nii.gz', 20],
      ['sub-02/ses-1/anat/a.nii.gz', 30],
      ['sub-03/anat/a.nii.gz', 5],
      ['derivatives/afq/sub-01/ses-1/x', 7],
    ]);
    expect(overviewOf(buildStudyIndex(l, { flavour: 'bids' }), ['sub-01', 'sub-02', 'sub-03'])).toEqual({ subjects: 3, sessions: 3, files: 5, bytes: 72 });
  });

  it('totals each pipeline, BIDS and HBN layouts, ignoring loose files', () => {
    const bids = listing('', [
      ['derivatives/afq/sub-01/x', 3],
      ['derivatives/afq-extra/sub-01/y', 4],
      ['derivatives/afq/dataset_description.json', 1],
      ['derivatives/README.txt', 9],
    ]);
    expect(pipelinesOf(buildStudyIndex(bids, { flavour: 'bids' }))).toEqual([
      { name: 'afq', files: 2, bytes: 4 },
      { name: 'afq-extra', files: 1, bytes: 4 },
    ]);
    const hbn = listing('Site-SI', [
      ['derivatives/sub-A/dmriprep/x', 5],
      ['derivatives/sub-B/dmriprep/y', 6],
      ['derivatives/sub-A/loose.txt', 100],
    ]);
    expect(pipelinesOf(buildStudyIndex(hbn, { flavour: 'hbn', site: 'Site-SI' }))).toEqual([{ name: 'dmriprep', files: 2, bytes: 11 }]);
  });

  it('reads GeneratedBy, then the older PipelineDescription', () => {
    expect(describePipeline({ Name: 'AFQ out', GeneratedBy: [{ Name: 'pyAFQ', Version: '1.3' }], PipelineDescription: { Name: 'old' } })).toEqual({
      generatedBy: 'pyAFQ',
      version: '1.3',
      description: 'AFQ out',
    });
    expect(describePipeline({ PipelineDescription: { Name: 'dmriprep', Version: '0.5' } })).toEqual({ generatedBy: 'dmriprep', version: '0.5' });
    expect(describePipeline('nonsense')).toEqual({});
  });

  it('finds top-level files and each BIDS pipeline\'s own description through the index', () => {
    const l = listing('p/q', [
      ['participants.tsv', 1],
      ['README', 1],
      ['derivatives/afq/dataset_description.json', 1],
      ['derivatives/afq/README', 1],
      ['derivatives/qsiprep/x.json', 1],
    ]);
    const index = buildStudyIndex(
      { ...l, topObjects: l.keys.filter((o) => !o.key.includes('/', 'p/q/'.length)), topFolders: ['derivatives/'] },
      { flavour: 'bids' },
    );
    expect(index.topLevelKey('participants.tsv')).toBe('p/q/participants.tsv');
    expect(index.topLevelKey('participants.json')).toBeUndefined();
    expect(index.pipelines.filter((p) => p.descriptionKey).map((p) => [p.name, p.descriptionKey])).toEqual([['afq', 'p/q/derivatives/afq/dataset_description.json']]);
  });
});
