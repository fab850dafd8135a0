import { describe, expect, it } from 'vitest';
import { citation, doiUrl, parseDatasetDescription } from './description.ts';

describe('dataset_description.json', () => {
  it('reads the BIDS fields, dropping ones of the wrong type', () => {
    const d = parseDatasetDescription({
      Name: 'A study',
      BIDSVersion: '1.8.0',
      DatasetType: 'raw',
      License: 'CC0',
      Authors: ['A. One', 7, 'B. Two'],
      DatasetDOI: 'doi:10.18112/openneuro.ds000114.v1.0.2',
      HowToAcknowledge: 'Cite the paper.',
      Funding: 'NIH 1',
      ReferencesAndLinks: ['https://example.org'],
      Extra: 1,
    });
    expect(d).toEqual({
      name: 'A study',
      bidsVersion: '1.8.0',
      datasetType: 'raw',
      license: 'CC0',
      authors: ['A. One', 'B. Two'],
      doi: 'doi:10.18112/openneuro.ds000114.v1.0.2',
      howToAcknowledge: 'Cite the paper.',
      funding: ['NIH 1'],
      referencesAndLinks: ['https://example.org'],
    });
    expect(parseDatasetDescription(null)).toEqual({ authors: [], funding: [], referencesAndLinks: [] });
    expect(parseDatasetDescription({ Name: 3 }).name).toBeUndefined();
  });

  it('turns a DOI into a link and writes a citation', () => {
    expect(doiUrl('doi:10.1/x')).toBe('https://doi.org/10.1/x');
    expect(doiUrl('https://doi.org/10.1234/ab.c')).toBe('https://doi.org/10.1234/ab.c');
    expect(doiUrl('not a doi')).toBeUndefined();
    const d = parseDatasetDescription({ Name: 'S', Authors: ['A', 'B'], DatasetDOI: '10.1/x', HowToAcknowledge: 'Thanks.' });
    expect(citation(d, 's3://b/p')).toBe('A, B. S. https://doi.org/10.1/x\nData: s3://b/p\nThanks.');
  });
});
