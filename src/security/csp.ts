// Content-Security-Policy for the app. Pure (no window), so it is tested in Node.
//
// Why two policies: a <meta> CSP cannot be loosened after load, yet the S3 endpoint is only known at
// run time. index.html carries a static baseline (scripts only from the app, no eval, no plugins, no
// <base>, no form posts; connections to any http(s) origin). Before anything connects, startup adds a
// second policy whose connect-src names only the app itself, AWS S3 and the endpoints this page load
// was opened with (the URL, the local demo). Browsers enforce both, so connections are limited to
// those. A new custom endpoint is written to the URL and the page reloads with it allowed.
import { AWS_REGIONS, awsHostSources, isAwsS3Host, parseLocation, type LocationOverrides } from '../lib/index.ts';
import { overridesOf, type ViewQuery } from '../state/url.ts';

/**
 * Exactly the AWS hostnames a host pool can use (docs/hosts.md): global, s3-external-1, and per region
 * the regional and dual-stack names, each path-style and virtual-hosted. Not `*.amazonaws.com`, which
 * holds other people's servers too.
 */
export const AWS_S3_SOURCES: readonly string[] = [undefined, ...AWS_REGIONS].flatMap((r) => awsHostSources(r));

/**
 * The static baseline in index.html. 'wasm-unsafe-eval' lets hash-wasm compile its MD5 WebAssembly
 * (verification); it does not allow eval of JavaScript. Inline styles stay allowed: Svelte and NiiVue
 * set style attributes, and a style cannot run script.
 */
export const BASELINE_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' https: http:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[.*\])$/;

/**
 * CSP sources for a custom endpoint: its origin, plus its subdomains when buckets are addressed
 * virtual-hosted (`bucket.host`). Undefined endpoint (AWS) or a malformed one: none.
 */
export function endpointSources(endpoint: string | undefined, forcePathStyle = true): string[] {
  if (!endpoint) return [];
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return [];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [];
  // An AWS address given as an endpoint is already allowed by AWS_S3_SOURCES.
  // Only S3's own host names: any other `*.amazonaws.com` host (an API Gateway, say) is someone's server.
  if (url.protocol === 'https:' && !url.port && isAwsS3Host(url.hostname)) return [];
  const out = [url.origin];
  if (!forcePathStyle && !IP_HOST.test(url.hostname)) out.push(`${url.protocol}//*.${url.host}`);
  return out;
}

/** The endpoint sources a study text plus overrides needs; text that is not a location needs none. */
export function sourcesForLocation(text: string | undefined, overrides: LocationOverrides = {}): string[] {
  if (!text) return [];
  try {
    const loc = parseLocation(text, overrides);
    // A region newer than AWS_REGIONS: its names are allowed for this page load.
    if (!loc.endpoint && loc.region && !AWS_REGIONS.includes(loc.region)) return awsHostSources(loc.region);
    return [loc.endpoint, ...(loc.mirrors ?? [])].flatMap((e) => endpointSources(e, loc.forcePathStyle ?? true));
  } catch {
    return [];
  }
}

/** The endpoint sources a view (as the URL holds it) needs. */
export function sourcesForQuery(q: Pick<ViewQuery, 'study' | 'endpoint' | 'mirrors' | 'region' | 'pathStyle'>): string[] {
  return sourcesForLocation(q.study, overridesOf(q));
}

/** The tighter policy added at startup: connections to the app, AWS S3 and these endpoint sources. */
export function connectPolicy(endpointSources: readonly string[]): string {
  return ['connect-src', "'self'", ...AWS_S3_SOURCES, ...new Set(endpointSources)].join(' ');
}

/** Whether every source `needed` is among those a policy was built with. */
export function covers(allowed: ReadonlySet<string>, needed: readonly string[]): boolean {
  return needed.every((s) => allowed.has(s));
}
