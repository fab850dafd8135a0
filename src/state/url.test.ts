import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, decodeQuery, encodeQuery, parseSeed, type ViewQuery } from './url.ts';

describe('view query in the URL hash', () => {
  it('round-trips every field, including awkward text', () => {
    const q: ViewQuery = {
      study: 's3://my bucket/a&b=c/#x',
      endpoint: 'http://127.0.0.1:9000',
      mirrors: ['http://127.0.0.2:9000', 'https://m.example/a&b'],
      region: 'eu-west-1',
      pathStyle: true,
      requesterPays: true,
      filters: [
        { column: 'age', kind: 'range', min: 7.5, max: 12 },
        { column: 'sex', kind: 'pick', values: ['F', 'n,a'] },
        { column: 'site', kind: 'text', contains: 'a&b' },
      ],
      sort: { column: 'age:years', dir: 'desc' },
      mode: 'hand',
      ids: ['sub-01', 'sub-010'],
      n: 3,
      seed: 4294967295,
      fromFiltered: true,
      derivs: 'some',
      pipelines: ['afq', 'dmriprep'],
      suffix: '.nii.gz',
      include: ['**/dwi/*', '*.{nii.gz,json}'],
      exclude: ['**/func/**'],
      top: 'some',
      topNames: ['README', 'participants.tsv'],
      entities: { datatype: ['anat', 'dwi'], session: ['1', ''], run: ['01'] },
    };
    const hash = encodeQuery(q);
    expect(hash.startsWith('#')).toBe(true);
    expect(decodeQuery(hash)).toEqual(q);
  });

  it('keeps defaults out of the URL and reads an empty hash as the defaults', () => {
    expect(encodeQuery(DEFAULT_QUERY)).toBe('');
    expect(decodeQuery('')).toEqual(DEFAULT_QUERY);
    expect(encodeQuery({ ...DEFAULT_QUERY, study: 'ds000114', seed: 0 })).toBe('#study=ds000114&seed=0');
    expect(encodeQuery({ ...DEFAULT_QUERY, entities: { datatype: ['anat'], session: ['1'] } })).toBe('#e.datatype=anat&e.session=1');
  });

  it('falls back to defaults on broken or hostile values instead of failing', () => {
    const q = decodeQuery('#filters=%7Bnot-json&seed=-1&n=0&mode=evil&derivs=x&sort=nodir&top=zz&e.echo=1');
    expect(q).toEqual(DEFAULT_QUERY);
    expect(decodeQuery('#seed=4294967296').seed).toBeUndefined();
    expect(decodeQuery('#seed=1.5').seed).toBeUndefined();
    expect(decodeQuery('#filters=' + encodeURIComponent('[{"column":"a","kind":"range","min":"x"},{"column":"b","kind":"text","contains":"y"}]')).filters)
      .toEqual([{ column: 'b', kind: 'text', contains: 'y' }]);
  });

  it('reads a seed as the engine accepts it, whether typed or in the URL', () => {
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed(' 0 ')).toBe(0);
    expect(parseSeed('4294967295')).toBe(4294967295);
    for (const bad of [null, '', '  ', '-1', '4294967296', '1.5', 'x']) expect(parseSeed(bad), String(bad)).toBeUndefined();
  });
});
