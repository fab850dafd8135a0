import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { formatLocation, parseLocation, PRESETS } from './location.ts';

describe('parseLocation', () => {
  it('reads s3:// URIs and normalises the prefix, keeping inner //', () => {
    expect(parseLocation('s3://my-bucket/some/study/')).toEqual({
      bucket: 'my-bucket',
      prefix: 'some/study',
      flavour: 'bids',
      studyId: 'study',
    });
    expect(parseLocation('  s3://my-bucket//a//b/  ').prefix).toBe('a//b');
    expect(parseLocation('s3://my-bucket')).toMatchObject({ bucket: 'my-bucket', prefix: '', studyId: 'my-bucket' });
    expect(parseLocation('s3://my-bucket/')).toMatchObject({ prefix: '' });
  });

  it('reads virtual-hosted https URLs, with and without region, dotted buckets included', () => {
    expect(parseLocation('https://my-bucket.s3.amazonaws.com/p/q')).toEqual({ bucket: 'my-bucket', prefix: 'p/q', flavour: 'bids', studyId: 'q' });
    expect(parseLocation('https://my-bucket.s3.eu-west-2.amazonaws.com/p/')).toMatchObject({ bucket: 'my-bucket', prefix: 'p', region: 'eu-west-2' });
    expect(parseLocation('https://openneuro.org.s3.amazonaws.com/ds000114')).toMatchObject({ bucket: 'openneuro.org', prefix: 'ds000114' });
    expect(parseLocation('https://my-bucket.s3-us-west-2.amazonaws.com/x')).toMatchObject({ bucket: 'my-bucket', region: 'us-west-2' });
  });

  it('reads path-style https URLs, with and without region, and decodes escapes', () => {
    expect(parseLocation('https://s3.amazonaws.com/fcp-indi/data/Projects/HBN/BIDS_curated/')).toMatchObject({
      bucket: 'fcp-indi',
      prefix: 'data/Projects/HBN/BIDS_curated',
      studyId: 'HBN-POD2',
      flavour: 'bids',
    });
    expect(parseLocation('https://s3.us-east-2.amazonaws.com/b-1/with%20space/x')).toMatchObject({
      bucket: 'b-1',
      prefix: 'with space/x',
      region: 'us-east-2',
    });
  });

  it('reads the prefix from S3 console and bucket index URLs', () => {
    expect(parseLocation('https://s3.console.aws.amazon.com/s3/buckets/fcp-indi?prefix=data/Projects/HBN/MRI/Site-RU/')).toMatchObject({
      bucket: 'fcp-indi',
      prefix: 'data/Projects/HBN/MRI/Site-RU',
      flavour: 'hbn',
      site: 'Site-RU',
    });
    expect(parseLocation('https://openneuro.org.s3.amazonaws.com/index.html?prefix=ds000001/')).toMatchObject({
      bucket: 'openneuro.org',
      prefix: 'ds000001',
    });
  });

  it('reads an OpenNeuro accession and an OpenNeuro dataset page', () => {
    expect(parseLocation('ds000114')).toEqual({ bucket: 'openneuro.org', prefix: 'ds000114', flavour: 'bids', studyId: 'ds000114' });
    expect(parseLocation('DS000114').prefix).toBe('ds000114');
    expect(parseLocation('https://openneuro.org/datasets/ds002345/versions/1.0.0')).toMatchObject({ bucket: 'openneuro.org', prefix: 'ds002345' });
  });

  it('reads HBN site names as the HBN flavour, and HBN-POD2 as BIDS', () => {
    for (const site of ['Site-SI', 'Site-RU', 'Site-CBIC', 'Site-CUNY']) {
      expect(parseLocation(site)).toEqual({
        bucket: 'fcp-indi',
        prefix: `data/Projects/HBN/MRI/${site}`,
        flavour: 'hbn',
        site,
        studyId: site,
      });
    }
    expect(parseLocation('site-cbic').site).toBe('Site-CBIC');
    expect(parseLocation('s3://fcp-indi/data/Projects/HBN/MRI/Site-SI/')).toMatchObject({ flavour: 'hbn', site: 'Site-SI' });
    expect(parseLocation('HBN-POD2')).toMatchObject({ bucket: 'fcp-indi', prefix: 'data/Projects/HBN/BIDS_curated', flavour: 'bids' });
    // Another bucket with the same path is not HBN.
    expect(parseLocation('s3://mirror/data/Projects/HBN/MRI/Site-SI').flavour).toBe('bids');
  });

  it('reads custom endpoints path-style, from the URL or from the advanced settings', () => {
    expect(parseLocation('http://127.0.0.1:9000/demo/studies/one/')).toEqual({
      bucket: 'demo',
      prefix: 'studies/one',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      flavour: 'bids',
      studyId: 'one',
    });
    expect(parseLocation('s3://demo/p', { endpoint: 'https://minio.lab.org/', region: 'eu-central-1' })).toMatchObject({
      bucket: 'demo',
      endpoint: 'https://minio.lab.org',
      region: 'eu-central-1',
      forcePathStyle: true,
    });
    expect(parseLocation('s3://demo/p', { endpoint: 'https://minio.lab.org', forcePathStyle: false }).forcePathStyle).toBe(false);
    expect(parseLocation('demo/p/q')).toMatchObject({ bucket: 'demo', prefix: 'p/q' });
  });

  it('takes mirror endpoints of a custom endpoint, checked as the endpoint is, and refuses them alone', () => {
    const loc = parseLocation('s3://demo/p', { endpoint: 'http://127.0.0.1:9000', mirrors: ['http://127.0.0.2:9000/', ' ', 'http://127.0.0.1:9000', 'http://127.0.0.2:9000'] });
    expect(loc.mirrors).toEqual(['http://127.0.0.2:9000']);
    expect(parseLocation('s3://demo/p', { endpoint: 'http://127.0.0.1:9000', mirrors: [] }).mirrors).toBeUndefined();
    expect(() => parseLocation('s3://demo/p', { endpoint: 'http://127.0.0.1:9000', mirrors: ['ftp://x'] })).toThrow(/mirror endpoint "ftp:\/\/x" must start with http/);
    expect(() => parseLocation('s3://demo/p', { endpoint: 'http://127.0.0.1:9000', mirrors: ['http://u:p@m.example'] })).toThrow(/user name or password/);
    expect(() => parseLocation('s3://demo/p', { mirrors: ['http://127.0.0.2:9000'] })).toThrow(/enter the endpoint too/);
  });

  it('refuses what is not a location with a message saying what to paste', () => {
    const bad: [string, string][] = [
      ['', 'InvalidOption'],
      ['   ', 'InvalidOption'],
      ['s3://', 'InvalidOption'],
      ['ftp://host/x', 'InvalidOption'],
      ['http://localhost:9000/', 'InvalidOption'],
      ['https://s3.amazonaws.com/', 'InvalidOption'],
      ['hello world', 'InvalidOption'],
      ['s3://Bad..Name/x', 'InvalidBucketName'],
      ['s3://ab/x', 'InvalidBucketName'],
      ['s3://-bucket/x', 'InvalidBucketName'],
      ['https://s3.amazonaws.com/a%ZZb/x', 'InvalidOption'],
    ];
    for (const [text, code] of bad) {
      let caught: unknown;
      try {
        parseLocation(text);
      } catch (e) {
        caught = e;
      }
      expect(isS3BIDSError(caught, code as 'InvalidOption'), `${JSON.stringify(text)} -> ${code}`).toBe(true);
      expect((caught as Error).message.length).toBeGreaterThan(20);
    }
    expect(() => parseLocation('s3://ok-bucket/x', { endpoint: 'not a url' })).toThrow(/endpoint/);
    expect(() => parseLocation('s3://ok-bucket/x', { region: 'Bad Region' })).toThrow(/region/);
  });

  it('formats a location that reads back to the same place', () => {
    for (const text of ['s3://my-bucket/a//b', 'Site-SI', 'ds000114', 'HBN-POD2', 's3://my-bucket']) {
      const loc = parseLocation(text);
      expect(parseLocation(formatLocation(loc))).toEqual(loc);
    }
  });

  it('has presets for the four HBN sites, HBN-POD2 and an OpenNeuro example, each parseable', () => {
    expect(PRESETS.map((p) => p.id)).toEqual(['Site-SI', 'Site-RU', 'Site-CBIC', 'Site-CUNY', 'HBN-POD2', 'ds000114']);
    for (const p of PRESETS) expect(parseLocation(p.text).bucket).toMatch(/^(fcp-indi|openneuro\.org)$/);
  });
});
