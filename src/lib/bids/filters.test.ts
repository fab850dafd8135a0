import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { entitiesKept, loadGlobMatcher, pipelineIncluded, resolveOptions, topLevelIncluded, topLevelTaken } from './filters.ts';
import { keyEntities } from './entities.ts';

describe('includeDerivs (pyAFQ bug 1: a string matched any pipeline sharing one character)', () => {
  const pipelines = ['afq', 'afq-extra', 'dmriprep', 'qsiprep'];
  const pick = (d: Parameters<typeof resolveOptions>[0]['includeDerivs']) =>
    pipelines.filter((p) => pipelineIncluded(p, resolveOptions({ includeDerivs: d }, 'bids').derivs));
  it('uses substrings', () => {
    expect(pick('afq')).toEqual(['afq', 'afq-extra']);
    // 'q' shares a character with every name but is a substring only of the ones holding it.
    expect(pick('prep')).toEqual(['dmriprep', 'qsiprep']);
    expect(pick('dm')).toEqual(['dmriprep']);
    expect(pick(['extra', 'qsi'])).toEqual(['afq-extra', 'qsiprep']);
    expect(pick('x-y')).toEqual([]);
  });
  it('takes all or none', () => {
    expect(pick(true)).toEqual(pipelines);
    expect(pick(false)).toEqual([]);
    expect(pick(undefined)).toEqual([]);
  });
  it('refuses other types and an empty list', () => {
    expect(() => resolveOptions({ includeDerivs: [] }, 'bids')).toThrow(/empty list/);
    try {
      resolveOptions({ includeDerivs: 3 as unknown as string }, 'bids');
      expect.unreachable();
    } catch (e) {
      expect(isS3BIDSError(e, 'InvalidOption')).toBe(true);
    }
  });
});

describe('includeModalityAgnostic', () => {
  const names = ['dataset_description.json', 'README', 'README.md', 'CHANGES', 'LICENSE.txt', 'participants.tsv', 'READMEfirst'];
  const pick = (v: Parameters<typeof resolveOptions>[0]['includeModalityAgnostic'], flavour: 'bids' | 'hbn' = 'bids') =>
    names.filter((n) => topLevelIncluded(n, resolveOptions({ includeModalityAgnostic: v }, flavour).modalityAgnostic));
  it('defaults to dataset_description.json for BIDS and nothing for HBN', () => {
    expect(pick(undefined)).toEqual(['dataset_description.json']);
    expect(pick(undefined, 'hbn')).toEqual([]);
  });
  it('takes names with or without an extension', () => {
    expect(pick(['README', 'LICENSE'])).toEqual(['README', 'README.md', 'LICENSE.txt']);
  });
  it('takes everything with true or all', () => {
    expect(pick(true)).toEqual(names);
    expect(pick('all')).toEqual(names);
  });
  it('refuses other names', () => {
    expect(() => resolveOptions({ includeModalityAgnostic: ['participants.tsv'] }, 'bids')).toThrow(/participants.tsv/);
    expect(() => resolveOptions({ includeModalityAgnostic: 'README' as unknown as string[] }, 'bids')).not.toThrow();
  });
});

describe('topLevelFiles and entities', () => {
  it('takes top-level files by exact name, replacing includeModalityAgnostic', () => {
    const o = resolveOptions({ topLevelFiles: ['participants.tsv', 'README'], includeModalityAgnostic: true }, 'bids');
    expect(['README', 'README.md', 'participants.tsv', 'dataset_description.json'].filter((n) => topLevelTaken(n, o))).toEqual(['README', 'participants.tsv']);
    expect(topLevelTaken('dataset_description.json', resolveOptions({}, 'bids'))).toBe(true);
    expect(topLevelTaken('dataset_description.json', resolveOptions({ topLevelFiles: [] }, 'bids'))).toBe(false);
    expect(() => resolveOptions({ topLevelFiles: 'README' as unknown as string[] }, 'bids')).toThrow(/topLevelFiles/);
  });
  it('keeps keys whose entities are among the ticked values; empty lists keep all', () => {
    const o = resolveOptions({ entities: { datatype: ['anat'], session: ['1', ''], run: [] } }, 'bids');
    expect([...o.entityFilters.keys()]).toEqual(['datatype', 'session']);
    const keep = (rel: string) => entitiesKept(keyEntities(rel, 'bids'), o.entityFilters);
    expect(keep('sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz')).toBe(true);
    expect(keep('sub-01/anat/sub-01_T1w.nii.gz')).toBe(true);
    expect(keep('sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz')).toBe(false);
    expect(keep('sub-01/ses-1/dwi/sub-01_ses-1_dwi.nii.gz')).toBe(false);
    expect(resolveOptions({}, 'bids').entityFilters.size).toBe(0);
    expect(() => resolveOptions({ entities: [] as never }, 'bids')).toThrow(/entities/);
    expect(() => resolveOptions({ entities: { ses: ['1'] } as never }, 'bids')).toThrow(/"ses"/);
  });
});

describe('suffix and globs on subject keys', () => {
  it('keeps keys ending with the suffix', () => {
    const o = resolveOptions({ suffix: '_dwi.nii.gz' }, 'bids');
    expect(o.keepSubjectPath('sub-01/dwi/sub-01_dwi.nii.gz', 'ds/sub-01/dwi/sub-01_dwi.nii.gz')).toBe(true);
    expect(o.keepSubjectPath('sub-01/dwi/sub-01_dwi.bval', 'ds/sub-01/dwi/sub-01_dwi.bval')).toBe(false);
  });
  it('applies include and exclude globs to the path relative to the study', async () => {
    expect(() => resolveOptions({ include: ['x'] }, 'bids')).toThrow(/loadGlobMatcher/);
    await loadGlobMatcher();
    const o = resolveOptions({ include: ['sub-*/dwi/**'], exclude: ['*.bvec'] }, 'bids');
    const keep = (p: string) => o.keepSubjectPath(p, `ds/${p}`);
    expect(keep('sub-01/dwi/a.nii.gz')).toBe(true);
    expect(keep('sub-01/dwi/a.bvec')).toBe(false);
    expect(keep('sub-01/anat/a.nii.gz')).toBe(false);
    expect(keep('derivatives/afq/sub-01/dwi/x')).toBe(false);
  });
  it('refuses a bad concurrency', () => {
    expect(() => resolveOptions({ concurrency: 0 }, 'bids')).toThrow(/concurrency/);
  });

  it('includeDerivsExact names whole pipelines, so afq is not afq-extra', () => {
    const exact = resolveOptions({ includeDerivs: ['afq'], includeDerivsExact: true }, 'bids').derivs;
    expect(pipelineIncluded('afq', exact)).toBe(true);
    expect(pipelineIncluded('afq-extra', exact)).toBe(false);
    const parts = resolveOptions({ includeDerivs: ['afq'] }, 'bids').derivs;
    expect(pipelineIncluded('afq-extra', parts)).toBe(true);
  });
});
