import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import type { StudyListing } from '../s3/types.ts';
import { StudyIndex, buildStudyIndex, describePipeline } from './study-index.ts';
import { pipelinesIn, pipelinesInSteps } from './layout.ts';
import { PAUSE_EVERY } from '../slices/index.ts';
import { hbnScaleStudy } from '#harness/fixtures/hbn-scale.ts';

/** A listing as `listStudy` returns it: keys in S3 order, the top level split out. */
function listing(prefix: string, keys: [string, number][]): StudyListing {
  const base = prefix ? `${prefix}/` : '';
  const objects = keys.map(([k, size]) => ({ key: base + k, size, etag: `e-${k}` })).sort((a, b) => (a.key < b.key ? -1 : 1));
  const topFolders = [...new Set(keys.map(([k]) => k).filter((k) => k.includes('/')).map((k) => `${k.slice(0, k.indexOf('/'))}/`))];
  return {
    endpoint: 'aws',
    bucket: 'b',
    prefix,
    topFolders,
    topObjects: objects.filter((o) => !o.key.slice(base.length).includes('/')),
    keys: objects,
    listedAt: '2024-01-01T00:00:00Z',
  };
}

const BIDS = listing('p/q', [
  ['dataset_description.json', 50],
  ['README', 5],
  ['participants.tsv', 20],
  ['sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz', 10],
  ['sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz', 20],
  ['sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-2_bold.nii.gz', 40],
  ['sub-010/dwi/sub-010_dwi.nii.gz', 30],
  ['sub-010/dwi/sub-010_dwi.bval', 1],
  ['sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz', 30],
  ['sub-03.html', 2],
  ['derivatives/afq/dataset_description.json', 1],
  ['derivatives/afq/sub-01/ses-1/dwi/sub-01_ses-1_desc-tracts_dwi.trk', 3],
  ['derivatives/afq-extra/sub-02/y.csv', 4],
  ['derivatives/README.txt', 9],
]);

describe('a BIDS study index', () => {
  const index = buildStudyIndex(BIDS, { flavour: 'bids' });

  it('holds the subjects, sessions, totals and top-level files of the listing', () => {
    expect(index.flavour).toBe('bids');
    expect(index.site).toBeUndefined();
    expect(index.complete).toBe(true);
    expect(index.subjects).toEqual(['sub-01', 'sub-010', 'sub-02', 'sub-03']);
    // Distinct subject/session folders of the raw data; derivatives' session folders do not count.
    expect(index.sessionCount).toBe(3);
    expect(index.totals).toEqual({ files: 14, bytes: 225 });
    expect(index.topLevelFiles.map((o) => o.key)).toEqual(['p/q/README', 'p/q/dataset_description.json', 'p/q/participants.tsv']);
    expect(index.descriptionKey).toBe('p/q/dataset_description.json');
    expect(index.topLevelKey('participants.tsv')).toBe('p/q/participants.tsv');
    expect(index.topLevelKey('participants.json')).toBeUndefined();
  });

  it('counts each subject, and keeps sub-010 out of sub-01', () => {
    expect(index.subject('sub-01')).toEqual({ id: 'sub-01', files: 4, bytes: 73, sessions: ['ses-1', 'ses-2'] });
    expect(index.subject('sub-010')).toEqual({ id: 'sub-010', files: 2, bytes: 31, sessions: [] });
    expect(index.subject('sub-03')).toEqual({ id: 'sub-03', files: 1, bytes: 2, sessions: [] });
    expect(index.subject('sub-99')).toBeUndefined();
    expect(index.hasData('sub-02')).toBe(true);
    expect(index.hasData('sub-99')).toBe(false);
    const keys = index.keysOf('sub-01');
    expect(keys.raw.map((o) => o.key.slice(4))).toEqual([
      'sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz',
      'sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz',
      'sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-2_bold.nii.gz',
    ]);
    // Every pipeline has an entry, empty ones included.
    expect(Object.keys(keys.derivatives)).toEqual(['afq', 'afq-extra']);
    expect(keys.derivatives['afq']!.map((o) => o.key)).toEqual(['p/q/derivatives/afq/sub-01/ses-1/dwi/sub-01_ses-1_desc-tracts_dwi.trk']);
    expect(keys.derivatives['afq-extra']).toEqual([]);
    expect(index.keysOf('sub-99')).toEqual({ raw: [], derivatives: { afq: [], 'afq-extra': [] } });
  });

  it('totals each pipeline, with its description key; loose files in derivatives/ are no pipeline', () => {
    expect(index.pipelineNames).toEqual(['afq', 'afq-extra']);
    expect(index.pipelines).toEqual([
      { name: 'afq', descriptionKey: 'p/q/derivatives/afq/dataset_description.json', files: 2, bytes: 4 },
      { name: 'afq-extra', files: 1, bytes: 4 },
    ]);
    expect(index.pipelineFiles.map((o) => o.key)).toEqual(['p/q/derivatives/afq/dataset_description.json']);
    expect(index.includedPipelines('afq')).toEqual(['afq', 'afq-extra']);
    expect(index.includedPipelines(['extra'])).toEqual(['afq-extra']);
    expect(index.includedPipelines(false)).toEqual([]);
  });

  it('carries pipeline descriptions when given, in a copy', () => {
    const described = index.withDescriptions({ afq: { Name: 'AFQ out', GeneratedBy: [{ Name: 'pyAFQ', Version: '1.3' }] } });
    expect(described.pipelines[0]).toEqual({
      name: 'afq',
      descriptionKey: 'p/q/derivatives/afq/dataset_description.json',
      description: { generatedBy: 'pyAFQ', version: '1.3', description: 'AFQ out' },
      files: 2,
      bytes: 4,
    });
    expect(index.pipelines[0]!.description).toBeUndefined();
    expect(described.subjects).toBe(index.subjects);
  });

  it('reads each key’s entities, data type, suffix and extension', () => {
    expect(index.entities('p/q/sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-2_bold.nii.gz')).toEqual({
      place: { kind: 'raw', subject: 'sub-01' },
      datatype: 'func',
      entities: { sub: '01', ses: '2', task: 'rest', acq: 'fast', run: '2' },
      suffix: 'bold',
      extension: '.nii.gz',
    });
    expect(index.entities('p/q/sub-010/dwi/sub-010_dwi.bval')).toMatchObject({ datatype: 'dwi', entities: { sub: '010' }, suffix: 'dwi', extension: '.bval' });
    expect(index.entities('p/q/derivatives/afq/sub-01/ses-1/dwi/sub-01_ses-1_desc-tracts_dwi.trk')).toEqual({
      place: { kind: 'derivative', subject: 'sub-01', pipeline: 'afq' },
      datatype: 'dwi',
      entities: { sub: '01', ses: '1', desc: 'tracts' },
      suffix: 'dwi',
      extension: '.trk',
    });
    // One parser for every name: a bare word reads as a suffix, as `dwi.json` does.
    expect(index.entities('p/q/README')).toEqual({ place: { kind: 'other' }, entities: {}, suffix: 'README', extension: '' });
    expect(index.entities('p/q/derivatives/afq/dataset_description.json')).toEqual({
      place: { kind: 'pipeline-file', pipeline: 'afq' },
      entities: {},
      extension: '.json',
    });
    expect(index.entities('elsewhere/sub-01/x')).toBeUndefined();
    // Read once and kept.
    expect(index.entities('p/q/README')).toBe(index.entities('p/q/README'));
    expect(index.place('p/q/sub-03.html')).toEqual({ kind: 'raw', subject: 'sub-03' });
  });

  it('plans any choice of subjects and options from the same index', () => {
    const paths = (subjects: string[], opts = {}, scope?: 'study' | 'subject') => index.plan(subjects, opts, scope).entries.map((e) => e.localPath);
    expect(paths(['sub-010'])).toEqual(['dataset_description.json', 'sub-010/dwi/sub-010_dwi.bval', 'sub-010/dwi/sub-010_dwi.nii.gz']);
    expect(paths(['sub-01'], { includeDerivs: 'afq', includeModalityAgnostic: true, suffix: '.nii.gz' })).toEqual([
      'README',
      'dataset_description.json',
      'derivatives/afq/dataset_description.json',
      'participants.tsv',
      'sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz',
      'sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz',
      'sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-2_bold.nii.gz',
    ]);
    expect(paths(['sub-02', 'sub-01'], { includeDerivs: true }, 'subject')).toEqual([
      'derivatives/afq-extra/sub-02/y.csv',
      'derivatives/afq/sub-01/ses-1/dwi/sub-01_ses-1_desc-tracts_dwi.trk',
      'sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz',
      'sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz',
      'sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-2_bold.nii.gz',
      'sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz',
    ]);
    const plan = index.plan(['sub-03', 'sub-99']);
    expect(plan).toMatchObject({ bucket: 'b', prefix: 'p/q' });
    expect(plan.entries.map((e) => [e.key, e.size, e.etag, e.action])).toEqual([
      ['p/q/dataset_description.json', 50, 'e-dataset_description.json', 'download'],
      ['p/q/sub-03.html', 2, 'e-sub-03.html', 'download'],
    ]);
    // Planning again leaves the index as it was.
    expect(paths(['sub-010'])).toEqual(['dataset_description.json', 'sub-010/dwi/sub-010_dwi.bval', 'sub-010/dwi/sub-010_dwi.nii.gz']);
    expect(() => index.plan(['sub-01'], { includeDerivs: [] })).toThrow(/empty list/);
  });
});

describe('an HBN site index', () => {
  const HBN = listing('data/Site-SI', [
    ['sub-A/anat/sub-A_T1w.nii.gz', 10],
    ['sub-B/dwi/sub-B_dwi.nii.gz', 20],
    ['derivatives/sub-A/dmriprep/sub-A/dwi/sub-A_desc-preproc_dwi.nii.gz', 5],
    ['derivatives/sub-B/dmriprep/y', 6],
    ['derivatives/sub-A/loose.txt', 100],
    ['dataset_description.json', 3],
  ]);
  const index = buildStudyIndex(HBN, { flavour: 'hbn', site: 'Site-SI' });

  it('finds pipelines inside each subject’s derivatives folder, never loose files', () => {
    expect(index.flavour).toBe('hbn');
    expect(index.site).toBe('Site-SI');
    expect(index.pipelines).toEqual([{ name: 'dmriprep', files: 2, bytes: 11 }]);
    expect(index.pipelineFiles).toEqual([]);
    expect(index.keysOf('sub-A').derivatives['dmriprep']!.map((o) => o.key)).toEqual([
      'data/Site-SI/derivatives/sub-A/dmriprep/sub-A/dwi/sub-A_desc-preproc_dwi.nii.gz',
    ]);
    expect(index.entities('data/Site-SI/derivatives/sub-A/dmriprep/sub-A/dwi/sub-A_desc-preproc_dwi.nii.gz')).toMatchObject({
      place: { kind: 'derivative', subject: 'sub-A', pipeline: 'dmriprep' },
      datatype: 'dwi',
      entities: { sub: 'A', desc: 'preproc' },
    });
    expect(index.place('data/Site-SI/derivatives/sub-A/loose.txt')).toEqual({ kind: 'other' });
  });

  it('plans the generated dataset_description.json over the copy on S3, with the chosen subjects sorted', () => {
    const plan = index.plan(['sub-B', 'sub-A'], { includeDerivs: true, includeModalityAgnostic: true });
    expect(plan.entries.map((e) => [e.localPath, e.action])).toEqual([
      ['dataset_description.json', 'generate'],
      ['derivatives/sub-A/dmriprep/sub-A/dwi/sub-A_desc-preproc_dwi.nii.gz', 'download'],
      ['derivatives/sub-B/dmriprep/y', 'download'],
      ['sub-A/anat/sub-A_T1w.nii.gz', 'download'],
      ['sub-B/dwi/sub-B_dwi.nii.gz', 'download'],
    ]);
    expect(plan.entries[0]!.content).toBe(
      '{"Name": "HBN Study, Site-SI", "DatasetType": "raw", "Subjects": ["sub-A", "sub-B"], "BIDSVersion": "1.0.0"}',
    );
    expect(index.plan(['sub-A'], {}, 'subject').entries.map((e) => e.localPath)).toEqual(['sub-A/anat/sub-A_T1w.nii.gz']);
  });

  it('is chosen explicitly: the same keys read as BIDS have no HBN pipeline', () => {
    const asBids = buildStudyIndex(HBN, { flavour: 'bids' });
    expect(asBids.pipelineNames).toEqual(['sub-A', 'sub-B']);
    expect(asBids.plan(['sub-A']).entries.map((e) => e.action)).not.toContain('generate');
  });

  it('needs its site', () => {
    try {
      buildStudyIndex(HBN, { flavour: 'hbn' });
      expect.unreachable();
    } catch (e) {
      expect(isS3BIDSError(e, 'InvalidOption')).toBe(true);
    }
  });
});

describe('an index of a partial listing (pyAFQ’s way)', () => {
  it('takes the pipelines and pipeline files it is given', () => {
    const top = { subjects: ['sub-01', 'sub-02'], other: ['derivatives/'], files: [], entries: { subjects: [], other: [] } };
    const keys = [{ key: 'ds/derivatives/afq/sub-01/x', size: 1, etag: '' }];
    const index = StudyIndex.fromParts({ bucket: 'b', prefix: '/ds/', top, keys, pipelines: ['zeta', 'afq'], pipelineFiles: [] }, { flavour: 'bids' });
    expect(index.complete).toBe(false);
    expect(index.prefix).toBe('ds');
    expect(index.pipelines).toEqual([
      { name: 'afq', files: 1, bytes: 1 },
      { name: 'zeta', files: 0, bytes: 0 },
    ]);
    expect(index.keysOf('sub-02')).toEqual({ raw: [], derivatives: { afq: [], zeta: [] } });
  });
});

describe('describePipeline', () => {
  it('reads GeneratedBy, then the older PipelineDescription', () => {
    expect(describePipeline({ Name: 'AFQ out', GeneratedBy: [{ Name: 'pyAFQ', Version: '1.3' }], PipelineDescription: { Name: 'old' } })).toEqual({
      generatedBy: 'pyAFQ',
      version: '1.3',
      description: 'AFQ out',
    });
    expect(describePipeline({ PipelineDescription: { Name: 'dmriprep', Version: '0.5' } })).toEqual({ generatedBy: 'dmriprep', version: '0.5' });
    expect(describePipeline('nonsense')).toEqual({});
  });
});

describe('file choices by BIDS entity', () => {
  const index = buildStudyIndex(BIDS, { flavour: 'bids' });
  const paths = (subjects: string[], opts = {}, scope?: 'study' | 'subject') => index.plan(subjects, opts, scope).entries.map((e) => e.localPath);
  const counts = (list: { value: string; files: number; bytes: number }[]) => list.map((c) => [c.value, c.files, c.bytes]);

  it('without an entity filter plans exactly as before', () => {
    for (const opts of [{}, { includeDerivs: true }, { includeDerivs: 'afq', suffix: '.nii.gz' }, { includeModalityAgnostic: true }]) {
      expect(paths(['sub-01', 'sub-02'], { ...opts, entities: {} })).toEqual(paths(['sub-01', 'sub-02'], opts));
      expect(paths(['sub-01', 'sub-02'], { ...opts, entities: { datatype: [], session: [] } })).toEqual(paths(['sub-01', 'sub-02'], opts));
    }
  });

  it('keeps the subject files whose entities are ticked, raw and derivative alike', () => {
    expect(paths(['sub-01', 'sub-02'], { entities: { datatype: ['anat'], session: ['1'] } }, 'subject')).toEqual([
      'sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz',
      'sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz',
    ]);
    expect(paths(['sub-01', 'sub-02'], { includeDerivs: true, entities: { session: ['1'] } }, 'subject')).toEqual([
      'derivatives/afq/sub-01/ses-1/dwi/sub-01_ses-1_desc-tracts_dwi.trk',
      'sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz',
      'sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz',
    ]);
    // '' is "files without the entity": y.csv has no BIDS name, sub-010 has no session.
    expect(paths(['sub-010', 'sub-02'], { includeDerivs: true, entities: { session: [''] } }, 'subject')).toEqual([
      'derivatives/afq-extra/sub-02/y.csv',
      'sub-010/dwi/sub-010_dwi.bval',
      'sub-010/dwi/sub-010_dwi.nii.gz',
    ]);
    expect(paths(['sub-01'], { entities: { task: ['rest'], run: ['2'], acq: ['fast'], suffix: ['bold'] } }, 'subject')).toEqual([
      'sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-2_bold.nii.gz',
    ]);
    // Top-level files and pipelines' own files are not subject files: entities leave them alone.
    expect(paths(['sub-01'], { includeDerivs: 'afq', entities: { datatype: ['func'] } })).toEqual([
      'dataset_description.json',
      'derivatives/afq/dataset_description.json',
      'sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-2_bold.nii.gz',
    ]);
    // Suffix and globs still apply on top.
    expect(paths(['sub-010'], { suffix: '.bval', entities: { datatype: ['dwi'] } }, 'subject')).toEqual(['sub-010/dwi/sub-010_dwi.bval']);
  });

  it('counts files and bytes per value for the chosen subjects; a value counts what ticking it adds', () => {
    const f = index.facets(['sub-01', 'sub-010']);
    expect(counts(f.entities.datatype)).toEqual([['anat', 2, 30], ['dwi', 2, 31], ['func', 1, 40]]);
    expect(counts(f.entities.session)).toEqual([['1', 1, 10], ['2', 2, 60], ['', 2, 31]]);
    expect(counts(f.entities.suffix)).toEqual([['bold', 1, 40], ['dwi', 2, 31], ['T1w', 2, 30]]);
    expect(counts(f.entities.task)).toEqual([['rest', 1, 40], ['', 4, 61]]);
    // Derivatives not included add no value; the pipeline still says what it holds for these subjects.
    expect(f.pipelines).toEqual([{ name: 'afq', files: 1, bytes: 3 }, { name: 'afq-extra', files: 0, bytes: 0 }]);

    const g = index.facets(['sub-01', 'sub-010'], { entities: { datatype: ['anat'], session: ['2'] } });
    // Each entity counts under every other entity's ticks, not its own.
    expect(counts(g.entities.datatype)).toEqual([['anat', 1, 20], ['dwi', 0, 0], ['func', 1, 40]]);
    expect(counts(g.entities.session)).toEqual([['1', 1, 10], ['2', 1, 20], ['', 0, 0]]);
    expect(counts(g.entities.suffix)).toEqual([['bold', 0, 0], ['dwi', 0, 0], ['T1w', 1, 20]]);
    // The ticked values' counts are the plan's subject files.
    const plan = index.plan(['sub-01', 'sub-010'], { entities: { datatype: ['anat'], session: ['2'] } }, 'subject');
    expect(plan.entries.map((e) => [e.localPath, e.size])).toEqual([['sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz', 20]]);
  });

  it('counts included derivatives under their entities, and honours suffix and globs', () => {
    const f = index.facets(['sub-01'], { includeDerivs: ['afq'], includeDerivsExact: true });
    expect(counts(f.entities.datatype)).toEqual([['anat', 2, 30], ['dwi', 1, 3], ['func', 1, 40]]);
    const s = index.facets(['sub-01'], { suffix: '.nii.gz', includeDerivs: true });
    expect(counts(s.entities.datatype)).toEqual([['anat', 2, 30], ['func', 1, 40]]);
    expect(s.pipelines).toEqual([{ name: 'afq', files: 0, bytes: 0 }, { name: 'afq-extra', files: 0, bytes: 0 }]);
  });

  it('lists every top-level file with what the choice and the default take', () => {
    expect(index.facets([]).topLevel.map((t) => [t.name, t.bytes, t.taken, t.byDefault])).toEqual([
      ['README', 5, false, false],
      ['dataset_description.json', 50, true, true],
      ['participants.tsv', 20, false, false],
    ]);
    const some = index.facets([], { topLevelFiles: ['participants.tsv', 'README'] });
    expect(some.topLevel.filter((t) => t.taken).map((t) => t.name)).toEqual(['README', 'participants.tsv']);
    expect(paths([], { topLevelFiles: ['participants.tsv'] })).toEqual(['participants.tsv']);
    expect(paths([], { topLevelFiles: [] })).toEqual([]);
    expect(index.facets(['sub-01'], {}, 'subject').topLevel).toEqual([]);
  });

  it('refuses entity filters it does not know, as plan does', () => {
    expect(() => index.facets(['sub-01'], { entities: { echo: ['1'] } as never })).toThrow(/entities accepts/);
    expect(() => index.plan(['sub-01'], { entities: { session: '1' } as never })).toThrow(/entities.session/);
  });
});

describe('an index built and planned in slices', () => {
  // An HBN-sized study of 300 subjects (11,406 keys), plus two keys one disk would save into one file.
  const site = hbnScaleStudy(300);
  const first = site.subjects[0]!;
  const keys: [string, number][] = site.files.map((f) => [f.key, f.body.length]);
  keys.push([`${first}/anat/Extra_T1w.json`, 3], [`${first}/anat/extra_t1w.json`, 4]);
  const big = listing('site', keys);
  const layout = { flavour: 'bids' as const };

  it('equals the index built at once, and lets other tasks run meanwhile', async () => {
    const now = StudyIndex.fromListing(big, layout);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const sliced = await StudyIndex.fromListingSliced(big, layout, { budgetMs: 1 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(sliced.subjects).toEqual(now.subjects);
    expect(sliced.totals).toEqual(now.totals);
    expect(sliced.sessionCount).toBe(now.sessionCount);
    expect(sliced.pipelines).toEqual(now.pipelines);
    expect(sliced.subject(site.subjects[150]!)).toEqual(now.subject(site.subjects[150]!));
    expect(sliced.facets(now.subjects, { includeDerivs: true })).toEqual(now.facets(now.subjects, { includeDerivs: true }));
  });

  it('plans in slices exactly what it plans at once, disk collisions included', async () => {
    const index = StudyIndex.fromListing(big, layout);
    for (const options of [{}, { includeDerivs: true, includeModalityAgnostic: true }, { entities: { datatype: ['dwi'] } }]) {
      const now = index.plan(index.subjects, options);
      const sliced = await index.planSliced(index.subjects, options, 'study', { budgetMs: 1 });
      expect(sliced).toEqual(now);
      expect(sliced.entries.length).toBeGreaterThan(1000);
    }
    const refused = index.plan([first]).entries.filter((e) => e.refused);
    expect(refused.map((e) => e.localPath)).toEqual([`${first}/anat/extra_t1w.json`]);
  });
});

describe('finding the pipelines of a big study', () => {
  it('pauses every PAUSE_EVERY keys, and finds what the pass at once finds', () => {
    const keys = hbnScaleStudy(30).files.map((f) => ({ key: `site/${f.key}`, size: 1, etag: 'e' }));
    const steps = pipelinesInSteps(keys, 'site', 'bids');
    let pauses = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) pauses++;
    expect(pauses).toBe(Math.floor(keys.length / PAUSE_EVERY));
    expect(r.value).toEqual(pipelinesIn(keys, 'site', 'bids'));
    expect(r.value.length).toBeGreaterThan(0);
  });
});
