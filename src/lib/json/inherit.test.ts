import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { parseBidsName, resolveSidecar, sidecarCandidates } from './inherit.ts';
import { lineColumn, parseJson } from './parse.ts';
import { jsonErrorOffset } from './locate.ts';

const S = 'ds/study'; // a study prefix, as keys on S3 carry it
const DATA = `${S}/sub-01/ses-1/func/sub-01_ses-1_task-rest_run-1_bold.nii.gz`;
const KEYS = [
  `${S}/dataset_description.json`,
  `${S}/task-rest_bold.json`, // study top
  `${S}/task-motor_bold.json`, // other task: not applicable
  `${S}/bold.json`, // no entities: applies to every bold
  `${S}/task-rest_T1w.json`, // other suffix
  `${S}/task-rest_bold.tsv`, // not .json
  `${S}/sub-01/sub-01_task-rest_bold.json`, // subject level
  `${S}/sub-01/sub-02_task-rest_bold.json`, // another subject's entity value
  `${S}/sub-01/ses-1/sub-01_ses-1_bold.json`, // session level
  `${S}/sub-01/ses-1/func/sub-01_ses-1_task-rest_run-1_bold.json`, // the data file's own sidecar
  `${S}/sub-01/ses-1/func/sub-01_ses-1_task-rest_run-1_acq-x_bold.json`, // extra entity: not applicable
  `${S}/sub-01/ses-1/func/sub-01_ses-1_task-rest_run-2_bold.json`, // other run
  `${S}/sub-01/ses-2/sub-01_ses-2_bold.json`, // a sibling session folder
  `${S}/sub-01/ses-1/func/sub-01_ses-1_task-rest_run-1_bold.nii.gz`,
  `${S}/derivatives/fmriprep/task-rest_bold.json`, // another dataset's top
  `other/task-rest_bold.json`, // above the dataset root
];

const CONTENT: Record<string, Record<string, unknown>> = {
  [`${S}/bold.json`]: { Manufacturer: 'Acme', RepetitionTime: 3 },
  [`${S}/task-rest_bold.json`]: { TaskName: 'rest', RepetitionTime: 2, EchoTime: 0.03 },
  [`${S}/sub-01/sub-01_task-rest_bold.json`]: { EchoTime: 0.035, SliceTiming: [0, 1] },
  [`${S}/sub-01/ses-1/sub-01_ses-1_bold.json`]: { MagneticFieldStrength: 3 },
  [`${S}/sub-01/ses-1/func/sub-01_ses-1_task-rest_run-1_bold.json`]: JSON.parse('{"RepetitionTime": 2.5, "__proto__": "x"}') as Record<string, unknown>,
};
const read = async (k: string) => {
  if (!(k in CONTENT)) throw new Error(`unexpected read of ${k}`);
  return structuredClone(CONTENT[k]!) as unknown;
};

describe('parseBidsName', () => {
  it.each([
    ['sub-01_ses-1_task-rest_bold.nii.gz', { entities: { sub: '01', ses: '1', task: 'rest' }, suffix: 'bold', extension: '.nii.gz' }],
    ['task-rest_bold.json', { entities: { task: 'rest' }, suffix: 'bold', extension: '.json' }],
    ['dwi.json', { entities: {}, suffix: 'dwi', extension: '.json' }],
    ['dataset_description.json', undefined],
    ['sub-01_sub-02_bold.json', undefined],
    ['sub-01_task-rest-bad_bold.json', undefined],
  ])('%s', (name, want) => expect(parseBidsName(name)).toEqual(want));
});

describe('sidecarCandidates (BIDS inheritance)', () => {
  it('picks same-suffix .json files at the data folder, session, subject and study top whose entities are a subset', () => {
    const { files, levels } = sidecarCandidates(DATA, KEYS);
    expect(files).toEqual([
      `${S}/bold.json`,
      `${S}/task-rest_bold.json`,
      `${S}/sub-01/sub-01_task-rest_bold.json`,
      `${S}/sub-01/ses-1/sub-01_ses-1_bold.json`,
      `${S}/sub-01/ses-1/func/sub-01_ses-1_task-rest_run-1_bold.json`,
    ]);
    expect(levels.map((l) => l.length)).toEqual([2, 1, 1, 1]);
  });

  it.each([
    ['no sidecar anywhere', `${S}/sub-03/anat/sub-03_T2w.nii.gz`, [`${S}/sub-03/anat/sub-03_T2w.nii.gz`, `${S}/sub-03/anat/sub-03_T1w.json`], []],
    ['an extra entity at the top is not applicable', `${S}/sub-03/anat/sub-03_T1w.nii.gz`, [`${S}/acq-mp2rage_T1w.json`, `${S}/T1w.json`], [`${S}/T1w.json`]],
    ['session-level only', `${S}/sub-04/ses-a/dwi/sub-04_ses-a_dwi.nii.gz`, [`${S}/sub-04/ses-a/sub-04_ses-a_dwi.json`, `${S}/sub-04/ses-b/sub-04_ses-b_dwi.json`], [`${S}/sub-04/ses-a/sub-04_ses-a_dwi.json`]],
    ['a derivative dataset is its own root', `${S}/derivatives/p/sub-01/dwi/sub-01_desc-x_dwi.nii.gz`, [`${S}/dwi.json`, `${S}/derivatives/p/desc-x_dwi.json`], [`${S}/derivatives/p/desc-x_dwi.json`]],
    ['a sidecar asked about itself comes last, after what it inherits', `${S}/sub-05/dwi/sub-05_dwi.json`, [`${S}/sub-05/dwi/sub-05_dwi.json`, `${S}/dwi.json`, `${S}/sub-05/dwi/sub-05_acq-b_dwi.json`], [`${S}/dwi.json`, `${S}/sub-05/dwi/sub-05_dwi.json`]],
    ['not a BIDS name', `${S}/sub-01/sub-01_my notes.txt`, [`${S}/sub-01/sub-01_my notes.json`, `${S}/sub-01/notes.json`], []],
  ])('%s', (_t, data, keys, want) => expect(sidecarCandidates(data, keys).files).toEqual(want));
});

describe('resolveSidecar', () => {
  it('merges top-down so lower levels override, with per-field provenance', async () => {
    const r = await resolveSidecar(DATA, KEYS, read);
    expect(r.data).toEqual({
      Manufacturer: 'Acme',
      TaskName: 'rest',
      RepetitionTime: 2.5,
      EchoTime: 0.035,
      SliceTiming: [0, 1],
      MagneticFieldStrength: 3,
      ['__proto__']: 'x',
    });
    expect(Object.getPrototypeOf(r.data)).toBe(Object.prototype);
    expect(r.provenance).toMatchObject({
      Manufacturer: `${S}/bold.json`,
      TaskName: `${S}/task-rest_bold.json`,
      RepetitionTime: `${S}/sub-01/ses-1/func/sub-01_ses-1_task-rest_run-1_bold.json`,
      EchoTime: `${S}/sub-01/sub-01_task-rest_bold.json`,
      MagneticFieldStrength: `${S}/sub-01/ses-1/sub-01_ses-1_bold.json`,
    });
    expect(r.files).toHaveLength(5);
    expect(r.conflicts).toEqual([[`${S}/bold.json`, `${S}/task-rest_bold.json`]]);
  });

  it('returns nothing (and reads nothing) when no sidecar applies', async () => {
    const r = await resolveSidecar(`${S}/sub-09/anat/sub-09_T1w.nii.gz`, KEYS, read);
    expect(r).toEqual({ data: {}, provenance: {}, files: [], conflicts: [] });
  });

  it('refuses a sidecar that is not a JSON object', async () => {
    const err = await resolveSidecar(`${S}/sub-01/dwi/sub-01_dwi.nii.gz`, [`${S}/dwi.json`], async () => [1, 2]).catch((e: unknown) => e);
    expect(isS3BIDSError(err, 'InvalidJson')).toBe(true);
  });
});

describe('parseJson', () => {
  it('names the file and the line and column of a syntax error', () => {
    const text = '{\n  "a": 1,\n  "b": tru\n}';
    const err = (() => {
      try {
        parseJson(text, 'sub-01/x.json');
      } catch (e) {
        return e;
      }
    })();
    expect(isS3BIDSError(err, 'InvalidJson')).toBe(true);
    expect((err as Error).message).toMatch(/^sub-01\/x\.json is not valid JSON \(line 3, column \d+\)/);
    expect(() => parseJson('{"a": ', 'y.json')).toThrow(/y\.json is not valid JSON \(it ends too early\)/);
    expect(parseJson('\ufeff{"ok":true}', 'bom.json')).toEqual({ ok: true });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it.each([
    ['{"a": tru}', 9],
    ['{"a": 1,}', 8],
    ['[1, 2', 5],
    ['{"a": "x\\u12G4"}', 12],
    ['{"a": 01}', 7],
    ['{"a": 1} x', 9],
    ['"\\q"', 2],
  ])('finds the first syntax error in %s at %i', (text, at) => {
    expect(jsonErrorOffset(text)).toBe(at);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('finds no error in valid JSON', () => {
    for (const t of ['{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {}}', ' [] ', '"x"', '0']) {
      expect(jsonErrorOffset(t)).toBe(-1);
      expect(() => JSON.parse(t)).not.toThrow();
    }
  });
});
