// State classes in Node with the real engine functions (no S3 needed for these parts).
import { describe, expect, it } from 'vitest';
import { AppState } from './app.svelte.ts';
import { createServices } from './services.ts';
import { ParticipantsState } from './participants.svelte.ts';
import { SelectionState } from './selection.svelte.ts';
import { OptionsState } from './options.svelte.ts';
import { decodeQuery, encodeQuery } from './url.ts';
import { InspectState } from './inspect.svelte.ts';
import { ListingCache, buildStudyIndex, memoryListingStore, parseParticipants, selectSubjects } from '../lib/index.ts';

const services = createServices({ cache: new ListingCache({ store: memoryListingStore() }) });
const SUBJECTS = ['sub-01', 'sub-010', 'sub-02', 'sub-03', 'sub-04', 'sub-05'];
const TSV = 'participant_id\tage\tsex\n' + ['01\t10\tF', '010\t20\tM', '02\t30\tF', '03\tn/a\tF', '04\t50\tM', '05\t60\tF', '99\t70\tF'].join('\n') + '\n';

function setup() {
  const p = new ParticipantsState();
  p.set(parseParticipants(TSV), SUBJECTS);
  const sel = new SelectionState(() => SUBJECTS, () => p.filteredIds);
  return { p, sel };
}

describe('selection state', () => {
  it('draws the seeded subset pyAFQ draws, from all subjects or from the filtered ones', () => {
    const { p, sel } = setup();
    sel.setMode('random');
    sel.n = 3;
    sel.seed = 42;
    expect(sel.ids).toEqual(selectSubjects(SUBJECTS, 3, 42).subjects);
    p.setFilter({ column: 'sex', kind: 'pick', values: ['F'] });
    sel.fromFiltered = true;
    const pool = ['sub-01', 'sub-02', 'sub-03', 'sub-05']; // females with data; sub-99 has none
    expect(sel.ids).toEqual(selectSubjects(pool, 3, 42).subjects);
  });

  it('takes the current filter, and hand picks on top of it, only among subjects with data on S3', () => {
    const { p, sel } = setup();
    expect([...p.missing]).toEqual(['sub-99']);
    p.setFilter({ column: 'age', kind: 'range', min: 25 });
    sel.setMode('filter');
    expect(sel.ids).toEqual(['sub-02', 'sub-04', 'sub-05']);
    sel.toggle('sub-99');
    sel.toggle('sub-010');
    expect(sel.mode).toBe('hand');
    // A tick keeps the filter's choice as hand picks and adds one (the ticks are the chosen set).
    expect(sel.ids).toEqual(['sub-010', 'sub-02', 'sub-04', 'sub-05']);
  });

  it('switching to "by hand" keeps the current choice to adjust, or the earlier hand picks', () => {
    const { sel } = setup();
    sel.setMode('random');
    sel.n = 3;
    sel.seed = 42;
    const drawn = selectSubjects(SUBJECTS, 3, 42).subjects;
    sel.setMode('hand');
    expect(sel.ids).toEqual([...drawn].sort());
    sel.toggle(drawn[0]!);
    sel.setMode('all');
    expect(sel.ids).toEqual(SUBJECTS);
    sel.setMode('hand');
    expect(sel.ids).toEqual([...drawn.slice(1)].sort());
  });

  it('sorts and filters the visible rows with the engine', () => {
    const { p } = setup();
    p.toggleSort('age');
    p.toggleSort('age');
    expect(p.filteredIds).toEqual(['sub-99', 'sub-05', 'sub-04', 'sub-02', 'sub-010', 'sub-01', 'sub-03']);
    p.setFilter({ column: 'age', kind: 'range', max: 30 });
    expect(p.filteredIds).toEqual(['sub-02', 'sub-010', 'sub-01']);
  });
});

describe('options state', () => {
  it('turns choices into pyAFQ download options, with the substring rule shown honestly', () => {
    const o = new OptionsState();
    expect(o.downloadOptions).toEqual({ overwrite: false, verify: false, includeDerivs: false });
    o.togglePipeline('afq');
    o.includeText = '**/dwi/**\n\n *.json ';
    o.top = 'some';
    o.toggleTopName('participants.tsv');
    o.toggleEntity('datatype', 'anat');
    o.toggleEntity('session', '1');
    o.toggleEntity('session', '');
    o.toggleEntity('run', '1');
    o.toggleEntity('run', '1');
    expect(o.downloadOptions).toEqual({
      overwrite: false,
      verify: false,
      includeDerivs: ['afq'],
      topLevelFiles: ['participants.tsv'],
      entities: { datatype: ['anat'], session: ['1', ''] },
      include: ['**/dwi/**', '*.json'],
    });
    expect(o.entityTicks).toBe(3);
    o.clearEntities();
    expect(o.downloadOptions.entities).toBeUndefined();
    expect(o.effectivePipelines(['afq', 'afq-extra', 'dmriprep'])).toEqual(['afq', 'afq-extra']);
  });

  it('saves exactly the ticked pipelines: one pyAFQ would add by name part is excluded, and named', () => {
    const o = new OptionsState(() => ['afq', 'afq-extra', 'dmriprep']);
    o.togglePipeline('afq');
    expect(o.substringExtras).toEqual(['afq-extra']);
    expect(o.downloadOptions.includeDerivs).toEqual(['afq']);
    expect(o.downloadOptions.includeDerivsExact).toBe(true);
    o.togglePipeline('afq-extra');
    expect(o.substringExtras).toEqual([]);
    expect(o.downloadOptions.includeDerivsExact).toBeUndefined();
  });
});

describe('file choices from the study index', () => {
  const keys: [string, number][] = [
    ['dataset_description.json', 10],
    ['participants.tsv', 5],
    ['task-rest_bold.json', 2],
    ['sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz', 100],
    ['sub-01/ses-1/func/sub-01_ses-1_task-rest_bold.nii.gz', 300],
    ['sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz', 110],
    ['sub-01/sub-01_sessions.tsv', 1],
    ['sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz', 120],
  ];
  const objects = keys.map(([k, size]) => ({ key: `ds/${k}`, size, etag: 'e' })).sort((a, b) => (a.key < b.key ? -1 : 1));
  const index = buildStudyIndex(
    { endpoint: 'aws', bucket: 'b', prefix: 'ds', topFolders: ['sub-01/', 'sub-02/'], topObjects: objects.filter((o) => !o.key.slice(3).includes('/')), keys: objects, listedAt: '' },
    { flavour: 'bids' },
  );

  it('offers each entity with its counts for the chosen subjects, and the plan holds exactly the ticked files', () => {
    const o = new OptionsState(() => [], () => ({ index, subjects: ['sub-01'] }));
    const group = (f: string) => o.facetGroups.find((g) => g.facet === f)?.values.map((v) => `${v.label}:${v.files}:${v.bytes}`);
    expect(o.facetGroups.map((g) => g.facet)).toEqual(['datatype', 'suffix', 'session', 'task']);
    expect(group('datatype')).toEqual(['anat:2:210', 'func:1:300', 'no data type folder:1:1']);
    expect(group('session')).toEqual(['1:2:400', '2:1:110', 'no session:1:1']);
    o.toggleEntity('datatype', 'anat');
    o.toggleEntity('session', '1');
    expect(group('session')).toEqual(['1:1:100', '2:1:110', 'no session:0:0']);
    expect(index.plan(['sub-01'], o.downloadOptions, 'subject').entries.map((e) => e.localPath)).toEqual(['sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz']);
    expect(o.facets!.topLevel.map((t) => t.name)).toEqual(['dataset_description.json', 'participants.tsv', 'task-rest_bold.json']);
    expect(o.topDefault).toBe('Default, as pyAFQ: dataset_description.json only.');
    // A ticked value the chosen subjects lack stays offered, so it can be unticked.
    o.toggleEntity('task', 'nback');
    expect(group('task')).toEqual(['rest:0:0', 'no task:1:100', 'nback:0:0']);
  });
});

describe('the app state and the URL', () => {
  it('restores a shared view and writes it back unchanged, without any credential', async () => {
    const app = new AppState(services);
    const hash =
      '#filters=' + encodeURIComponent(JSON.stringify([{ column: 'sex', kind: 'pick', values: ['F'] }])) +
      '&sort=age%3Adesc&mode=hand&ids=sub-01%2Csub-02&n=3&seed=42&derivs=some&pipelines=afq&suffix=.nii.gz&include=**%2Fdwi%2F**&top=none' +
      '&e.datatype=anat&e.session=1&e.session=';
    await app.applyQuery(decodeQuery(hash));
    app.study.setCredentials({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'very-secret' });
    const out = encodeQuery(app.toQuery());
    expect(decodeQuery(out)).toEqual(decodeQuery(hash));
    expect(out).not.toMatch(/AKIAEXAMPLE|very-secret/);
  });
});

describe('credentials go only where they were given', () => {
  it('drops credentials when the location moves to another bucket or endpoint', async () => {
    const given: (string | undefined)[] = [];
    const app = new AppState({
      ...services,
      createClient: (loc, credentials) => {
        given.push(credentials?.accessKeyId);
        return services.createClient(loc, credentials);
      },
    });
    app.study.setCredentials({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'very-secret' });
    await app.study.open('s3://bucket-one/study', { endpoint: 'http://127.0.0.1:9' });
    await app.study.open('s3://bucket-one/other', { endpoint: 'http://127.0.0.1:9' });
    await app.study.open('s3://bucket-two/study', { endpoint: 'http://127.0.0.1:9' });
    expect(given).toEqual(['AKIAEXAMPLE', 'AKIAEXAMPLE', undefined]);
    expect(app.study.credentialsDropped).toBe(true);
    expect(app.study.hasCredentials).toBe(false);
  });
});

describe('history entries', () => {
  it('adds one only when the URL moves from one open study to another', async () => {
    const { isAnotherStudy } = await import('./app.svelte.ts');
    expect(isAnotherStudy('#study=s3%3A%2F%2Fa%2Fx', '#study=s3%3A%2F%2Fb%2Fy')).toBe(true);
    expect(isAnotherStudy('#study=s3%3A%2F%2Fa%2Fx', '#study=s3%3A%2F%2Fa%2Fx&n=3')).toBe(false);
    expect(isAnotherStudy('', '#study=s3%3A%2F%2Fa%2Fx')).toBe(false);
  });
});

describe('the inspector on a big study', () => {
  const listing = (n: number, prefix = 'ds') => ({
    endpoint: 'http://127.0.0.1:9',
    bucket: 'b',
    prefix,
    topFolders: [],
    topObjects: [],
    keys: Array.from({ length: n }, (_, i) => ({ key: `${prefix}/sub-${i}/anat/sub-${i}_T${i % 2 ? 1 : 2}w.${i % 3 ? 'nii.gz' : 'json'}`, size: 1, etag: 'e' })),
    listedAt: '2024-01-01T00:00:00Z',
  });

  it('gets the study\'s keys mapped once per listing, not on every ask', () => {
    const app = new AppState(services);
    app.study.listing = listing(5000);
    const first = app.inspectSource();
    expect(first.keys).toHaveLength(5000);
    expect(first.keys[7]).toBe('ds/sub-7/anat/sub-7_T1w.nii.gz');
    expect(app.inspectSource().keys).toBe(first.keys);
    expect(app.inspectSource().planned).toBe(first.planned);
    app.study.listing = listing(3, 'other');
    expect(app.inspectSource().keys).toEqual(['other/sub-0/anat/sub-0_T2w.json', 'other/sub-1/anat/sub-1_T1w.nii.gz', 'other/sub-2/anat/sub-2_T2w.nii.gz']);
  });

  it('finds files by any part of their key, whatever the case, and follows a new listing', () => {
    const app = new AppState(services);
    app.study.listing = listing(5000);
    const inspect = new InspectState(() => app.inspectSource());
    expect(inspect.find('SUB-4999_t')).toEqual(['ds/sub-4999/anat/sub-4999_T1w.nii.gz']);
    expect(inspect.find('', 3)).toEqual(['ds/sub-0/anat/sub-0_T2w.json', 'ds/sub-1/anat/sub-1_T1w.nii.gz', 'ds/sub-2/anat/sub-2_T2w.nii.gz']);
    expect(inspect.find('t2w.json')).toHaveLength(200);
    app.study.listing = listing(2, 'other');
    expect(inspect.find('sub-1')).toEqual(['other/sub-1/anat/sub-1_T1w.nii.gz']);
  });
});
