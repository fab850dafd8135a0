import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, decodeQuery, encodeQuery, type ViewQuery } from '../state/url.ts';
import { AWS_S3_SOURCES, BASELINE_POLICY, connectPolicy, covers, endpointSources, sourcesForLocation, sourcesForQuery } from './csp.ts';
import { ConnectGuard } from './startup.ts';
import { awsHostSources, awsHosts, isAwsS3Host } from '../lib/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** `directive -> sources` of a policy text. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('baseline policy', () => {
  it('is the one index.html carries', () => {
    const html = readFileSync(resolve(ROOT, 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta?.[1]).toBe(BASELINE_POLICY);
  });

  it('allows scripts from the app only: no inline script, no eval, no plugins, no <base>, no form posts', () => {
    const d = directives(BASELINE_POLICY);
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'self'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    for (const [name, values] of d) {
      if (name !== 'style-src') expect(values, name).not.toContain("'unsafe-inline'");
      expect(values, name).not.toContain("'unsafe-eval'");
      expect(values, name).not.toContain('*');
    }
  });

  it('index.html has no inline script', () => {
    const html = readFileSync(resolve(ROOT, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
  });
});

describe('connect-src for this page load', () => {
  it('names a custom endpoint by origin, and its subdomains only when buckets are virtual-hosted', () => {
    expect(endpointSources('http://127.0.0.1:9000')).toEqual(['http://127.0.0.1:9000']);
    expect(endpointSources('https://minio.example.org/some/path/')).toEqual(['https://minio.example.org']);
    expect(endpointSources('https://minio.example.org:9443', false)).toEqual(['https://minio.example.org:9443', 'https://*.minio.example.org:9443']);
    expect(endpointSources('http://127.0.0.1:9000', false)).toEqual(['http://127.0.0.1:9000']);
  });

  it('adds nothing for AWS, for no endpoint, or for text that is not an http(s) address', () => {
    expect(endpointSources(undefined)).toEqual([]);
    expect(endpointSources('https://s3.us-west-2.amazonaws.com')).toEqual([]);
    expect(endpointSources('not a url')).toEqual([]);
    expect(endpointSources('javascript:alert(1)')).toEqual([]);
    expect(endpointSources('ftp://files.example.org')).toEqual([]);
    // An AWS-looking host on a port or over http is not AWS S3: it must be named.
    expect(endpointSources('http://s3.amazonaws.com')).toEqual(['http://s3.amazonaws.com']);
  });

  it('reads the endpoint from the study text or the endpoint field, as the app opens it', () => {
    expect(sourcesForLocation('http://127.0.0.1:4566/bucket/study')).toEqual(['http://127.0.0.1:4566']);
    expect(sourcesForLocation('s3://bucket/study', { endpoint: 'https://ceph.lab.example:7480/' })).toEqual(['https://ceph.lab.example:7480']);
    expect(sourcesForLocation('https://bucket.s3.eu-west-1.amazonaws.com/study')).toEqual([]);
    expect(sourcesForLocation('ds000114')).toEqual([]);
    expect(sourcesForLocation('Site-SI')).toEqual([]);
    expect(sourcesForLocation('hello world')).toEqual([]);
    expect(sourcesForLocation(undefined)).toEqual([]);
  });

  it('gives the same sources for a view before and after its trip through the URL (so a reload cannot loop)', () => {
    const views: ViewQuery[] = [
      { ...DEFAULT_QUERY, study: 'http://127.0.0.1:4566/bucket/s' },
      { ...DEFAULT_QUERY, study: 's3://bucket/s', endpoint: 'https://ceph.example:7480', pathStyle: false },
      { ...DEFAULT_QUERY, study: 'bucket/s', endpoint: 'http://[::1]:9000', region: 'eu-west-1' },
      { ...DEFAULT_QUERY, study: 'ds000114' },
    ];
    for (const q of views) expect(sourcesForQuery(decodeQuery(encodeQuery(q))), q.study).toEqual(sourcesForQuery(q));
    expect(sourcesForQuery(views[1]!)).toEqual(['https://ceph.example:7480', 'https://*.ceph.example:7480']);
    // Mirror endpoints are allowed as the endpoint is; nothing else.
    expect(sourcesForQuery({ study: 's3://bucket/p', endpoint: 'http://127.0.0.1:9000', mirrors: ['http://127.0.0.2:9000', 'http://127.0.0.3:9000'] })).toEqual([
      'http://127.0.0.1:9000', 'http://127.0.0.2:9000', 'http://127.0.0.3:9000',
    ]);
  });

  it("allows exactly S3's hostnames, never every *.amazonaws.com host", () => {
    expect(AWS_S3_SOURCES).toContain('https://s3.amazonaws.com');
    expect(AWS_S3_SOURCES).toContain('https://*.s3.amazonaws.com');
    expect(AWS_S3_SOURCES).toContain('https://s3-external-1.amazonaws.com');
    expect(AWS_S3_SOURCES).toContain('https://*.s3.us-west-2.amazonaws.com');
    expect(AWS_S3_SOURCES).toContain('https://s3.dualstack.eu-west-1.amazonaws.com');
    expect(AWS_S3_SOURCES).not.toContain('https://*.amazonaws.com');
    // Every source is an S3 host (a `*.` label stands for a bucket).
    for (const s of AWS_S3_SOURCES) expect(isAwsS3Host(new URL(s.replace('*.', 'bucket.')).hostname), s).toBe(true);
    // A region newer than the list is allowed for the page load that names it.
    expect(sourcesForLocation('s3://bucket/study', { region: 'xx-future-9' })).toEqual([
      'https://s3.xx-future-9.amazonaws.com', 'https://*.s3.xx-future-9.amazonaws.com',
      'https://s3.dualstack.xx-future-9.amazonaws.com', 'https://*.s3.dualstack.xx-future-9.amazonaws.com',
    ]);
  });

  it('builds one connect-src of the app, AWS S3 and the endpoints', () => {
    expect(connectPolicy(['http://127.0.0.1:9000', 'http://127.0.0.1:9000'])).toBe(`connect-src 'self' ${AWS_S3_SOURCES.join(' ')} http://127.0.0.1:9000`);
    expect(directives(connectPolicy([])).get('connect-src')).toEqual(["'self'", ...AWS_S3_SOURCES]);
    expect(covers(new Set(['http://a:1']), ['http://a:1'])).toBe(true);
  });

  it('allows exactly the hostnames the host pools can use, never all of amazonaws.com', () => {
    expect(AWS_S3_SOURCES).not.toContain('https://*.amazonaws.com');
    const allowed = new Set(AWS_S3_SOURCES);
    const asSource = (host: string, bucket: string) => (host.startsWith(`${bucket}.`) ? `https://*.${host.slice(bucket.length + 1)}` : `https://${host}`);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2'])
      for (const bucket of ['fcp-indi', 'openneuro.org'])
        for (const h of awsHosts(bucket, region)) expect(allowed.has(asSource(h.host, bucket)), `${bucket} ${h.host}`).toBe(true);
    expect(sourcesForLocation('s3://bucket/x', { region: 'xx-new-9' })).toEqual(awsHostSources('xx-new-9'));
    expect(covers(new Set(['http://a:1']), ['http://a:1', 'http://b:2'])).toBe(false);
  });
});

describe('ConnectGuard', () => {
  function fakeWindow(hash = '') {
    const calls: string[] = [];
    const win = {
      location: { hash, pathname: '/app/', search: '', reload: () => calls.push('reload') },
      history: { replaceState: (_s: unknown, _t: string, url: string) => calls.push(`replace ${url}`) },
    };
    return { win, calls };
  }

  it('lets a view on an allowed endpoint (or AWS) open in place', () => {
    const { win, calls } = fakeWindow();
    const guard = new ConnectGuard(win, ['http://127.0.0.1:9000']);
    expect(guard.reloadFor({ ...DEFAULT_QUERY, study: 'http://127.0.0.1:9000/bucket/s' })).toBe(false);
    expect(guard.reloadFor({ ...DEFAULT_QUERY, study: 'Site-RU' })).toBe(false);
    expect(calls).toEqual([]);
  });

  it('reloads on the view’s URL when its endpoint is new', () => {
    const { win, calls } = fakeWindow();
    const guard = new ConnectGuard(win, []);
    const q: ViewQuery = { ...DEFAULT_QUERY, study: 'http://127.0.0.1:9001/bucket/s', seed: 7 };
    expect(guard.reloadFor(q)).toBe(true);
    expect(calls).toEqual([`replace ${encodeQuery(q)}`, 'reload']);
    expect(calls[0]).toContain('seed=7');
  });
});
