import { S3BIDSError } from '../errors/index.ts';
import { normalisePrefix, type Flavour } from './keys.ts';
import { assertBucketName } from './bucket-name.ts';

/** Where a study lives, as parsed from what a user typed or picked. */
export interface StudyLocation {
  bucket: string;
  /** Normalised: no leading or trailing `/` (inner `//` kept); '' is the bucket root. */
  prefix: string;
  /** Custom S3-compatible endpoint (MinIO, Ceph, moto), without a trailing slash. */
  endpoint?: string;
  /** More endpoints serving the same buckets as `endpoint` (docs/hosts.md, "Custom endpoints and mirrors"): each a host pool of its own. */
  mirrors?: string[];
  region?: string;
  forcePathStyle?: boolean;
  /**
   * The bucket is requester pays: signed requests say the requester accepts the charge
   * (`x-amz-request-payer: requester`, docs/real-s3.md "Requester pays"). Anonymous requests cannot.
   */
  requesterPays?: boolean;
  /** 'hbn' for the Healthy Brain Network's non-BIDS site layout. */
  flavour: Flavour;
  /** HBN site (`Site-SI` …) when flavour is 'hbn'. */
  site?: HBNSiteName;
  /** pyAFQ's `study_id`: a short name for the study. */
  studyId: string;
}

/** Settings from the "advanced" form; they override what the text implies. */
export interface LocationOverrides {
  endpoint?: string;
  /** Mirror endpoints of `endpoint` (ignored without one). */
  mirrors?: string[];
  region?: string;
  forcePathStyle?: boolean;
  requesterPays?: boolean;
}

export const HBN_SITES = ['Site-SI', 'Site-RU', 'Site-CBIC', 'Site-CUNY'] as const;
export type HBNSiteName = (typeof HBN_SITES)[number];
export const HBN_BUCKET = 'fcp-indi';
export const HBN_PREFIX = 'data/Projects/HBN/MRI';
export const HBN_POD2_PREFIX = 'data/Projects/HBN/BIDS_curated';
export const OPENNEURO_BUCKET = 'openneuro.org';

export interface Preset {
  id: string;
  label: string;
  description: string;
  /** Text that `parseLocation` turns into the study. */
  text: string;
}

const SITE_NAMES: Record<HBNSiteName, string> = {
  'Site-SI': 'Staten Island',
  'Site-RU': 'Rutgers University',
  'Site-CBIC': 'CitiGroup Cornell Brain Imaging Center',
  'Site-CUNY': 'City University of New York',
};

export const PRESETS: readonly Preset[] = [
  ...HBN_SITES.map((site) => ({
    id: site,
    label: `HBN ${site}`,
    description: `Healthy Brain Network, ${SITE_NAMES[site]} (non-BIDS site layout)`,
    text: site,
  })),
  { id: 'HBN-POD2', label: 'HBN-POD2', description: 'Healthy Brain Network, curated BIDS release with derivatives', text: 'HBN-POD2' },
  { id: 'ds000114', label: 'OpenNeuro ds000114', description: 'OpenNeuro example: test-retest reliability of fMRI', text: 'ds000114' },
];


function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new S3BIDSError('InvalidOption', `The address contains a broken %-escape ("${path}"). Copy the address again.`);
  }
}

function siteOf(bucket: string, prefix: string): HBNSiteName | undefined {
  if (bucket !== HBN_BUCKET) return undefined;
  return HBN_SITES.find((s) => prefix === `${HBN_PREFIX}/${s}`);
}

function studyIdOf(bucket: string, prefix: string): string {
  const parts = prefix.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? bucket;
}

function build(bucket: string, rawPrefix: string, extra: Partial<StudyLocation> = {}): StudyLocation {
  assertBucketName(bucket);
  const prefix = normalisePrefix(rawPrefix);
  const site = siteOf(bucket, prefix);
  const loc: StudyLocation = {
    bucket,
    prefix,
    flavour: site ? 'hbn' : 'bids',
    studyId: site ?? (bucket === HBN_BUCKET && prefix === HBN_POD2_PREFIX ? 'HBN-POD2' : studyIdOf(bucket, prefix)),
    ...extra,
  };
  if (site) loc.site = site;
  return loc;
}

/** Splits `bucket/rest/of/prefix` at the first `/`. */
function splitBucket(path: string): [string, string] {
  const trimmed = path.replace(/^\/+/, '');
  const i = trimmed.indexOf('/');
  return i < 0 ? [trimmed, ''] : [trimmed.slice(0, i), trimmed.slice(i + 1)];
}

// `bucket.s3.amazonaws.com`, `bucket.s3.<region>.amazonaws.com`, legacy `bucket.s3-<region>.amazonaws.com`.
const VIRTUAL_HOST = /^(.+)\.s3(?:[.-](?:dualstack\.)?([a-z0-9-]+))?\.amazonaws\.com$/;
// `s3.amazonaws.com`, `s3.<region>.amazonaws.com`, `s3-<region>.amazonaws.com`.
const PATH_HOST = /^s3(?:[.-](?:dualstack\.)?([a-z0-9-]+))?\.amazonaws\.com$/;

/**
 * Whether a host name is Amazon S3's own (path-style or virtual-hosted, any region), not merely some
 * `*.amazonaws.com` host: API Gateway, CloudFront-like and customer hosts live there too and answer
 * for whoever made them (docs/real-s3.md; README.md, "Faults and bad input").
 */
export function isAwsS3Host(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return PATH_HOST.test(host) || VIRTUAL_HOST.test(host);
}

function fromUrl(url: URL): StudyLocation {
  const host = url.hostname.toLowerCase();
  // S3 console and bucket-index pages carry the prefix in the query string.
  const queryPrefix = url.searchParams.get('prefix');
  const consolePath = /^\/s3\/buckets\/([^/]+)/.exec(url.pathname);
  if (host.endsWith('console.aws.amazon.com') && consolePath) {
    return build(decodePath(consolePath[1]!), queryPrefix ?? '');
  }
  if (host === 'openneuro.org' || host === 'www.openneuro.org') {
    const ds = /\/datasets\/(ds\d{6})/i.exec(url.pathname);
    if (ds) return build(OPENNEURO_BUCKET, ds[1]!.toLowerCase());
  }
  const path = decodePath(url.pathname);
  const pathHost = PATH_HOST.exec(host);
  if (pathHost) {
    const [bucket, prefix] = splitBucket(path);
    if (!bucket) throw new S3BIDSError('InvalidOption', `"${url.href}" names no bucket: add it after the host, as in https://s3.amazonaws.com/<bucket>/<prefix>.`);
    return build(bucket, queryPrefix ?? prefix, pathHost[1] && pathHost[1] !== 'external-1' ? { region: pathHost[1] } : {});
  }
  const virtualHost = VIRTUAL_HOST.exec(host);
  if (virtualHost) {
    const region = virtualHost[2];
    const prefix = queryPrefix ?? (path === '/index.html' ? '' : path);
    return build(virtualHost[1]!, prefix, region && region !== 'external-1' ? { region } : {});
  }
  // Anything else is an S3-compatible server addressed path-style: <endpoint>/<bucket>/<prefix>.
  const [bucket, prefix] = splitBucket(path);
  if (!bucket)
    throw new S3BIDSError(
      'InvalidOption',
      `"${url.href}" has no bucket in its path. For a custom S3 server, paste <endpoint>/<bucket>/<prefix>, e.g. http://localhost:9000/my-bucket/study.`,
    );
  return build(bucket, queryPrefix ?? prefix, { endpoint: url.origin, forcePathStyle: true });
}

/**
 * Turns what a user pasted into a study location: `s3://bucket/prefix`, an S3 https URL (virtual-hosted
 * or path-style, with or without region), a custom endpoint URL (path-style), an OpenNeuro accession
 * (`ds000114`), an HBN site (`Site-SI`), `HBN-POD2`, or `bucket/prefix`.
 * Throws S3BIDSError `InvalidOption` or `InvalidBucketName` with a message saying what to paste instead.
 */
export function parseLocation(text: string, overrides: LocationOverrides = {}): StudyLocation {
  const t = text.trim();
  if (!t) throw new S3BIDSError('InvalidOption', 'Paste an S3 location (s3://bucket/prefix), an OpenNeuro accession such as ds000114, or pick a preset.');
  let loc: StudyLocation;
  const site = HBN_SITES.find((s) => s.toLowerCase() === t.toLowerCase());
  if (site) loc = build(HBN_BUCKET, `${HBN_PREFIX}/${site}`);
  else if (/^hbn[-_ ]?pod2$/i.test(t)) loc = build(HBN_BUCKET, HBN_POD2_PREFIX);
  else if (/^ds\d{6}$/i.test(t)) loc = build(OPENNEURO_BUCKET, t.toLowerCase());
  else if (/^s3:\/\//i.test(t)) {
    const [bucket, prefix] = splitBucket(t.slice(5));
    if (!bucket) throw new S3BIDSError('InvalidOption', `"${t}" names no bucket: write s3://<bucket>/<prefix>.`);
    loc = build(bucket, prefix);
  } else if (/^https?:\/\//i.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw new S3BIDSError('InvalidOption', `"${t}" is not a valid web address. Paste s3://bucket/prefix or an https://… S3 URL.`);
    }
    loc = fromUrl(url);
  } else if (/^[a-z][a-z0-9+.-]*:(?!\/\/)/i.test(t) && !/^[a-z0-9.-]+\//i.test(t)) {
    // `s3:/bad`, `s3:bad`, `https:/host`: a scheme with its `//` lost, never a bucket named `s3:`.
    const scheme = t.slice(0, t.indexOf(':')).toLowerCase();
    throw new S3BIDSError(
      'InvalidOption',
      `"${t}" starts like a "${scheme}:" address but lacks the "//" after "${scheme}:". Expected s3://<bucket>/<prefix> or https://<host>/<bucket>/<prefix>.`,
    );
  } else if (/^[a-z]+:\/\//i.test(t)) {
    throw new S3BIDSError('InvalidOption', `"${t}" uses an address scheme s3bids cannot read: use s3://, https:// or http://.`);
  } else if (/\s/.test(t.split('/')[0]!)) {
    throw new S3BIDSError('InvalidOption', `"${t}" is not an S3 location. Paste s3://bucket/prefix, an https:// S3 URL, or an accession such as ds000114.`);
  } else {
    const [bucket, prefix] = splitBucket(t);
    loc = build(bucket, prefix);
  }
  return applyOverrides(loc, overrides);
}

/** An endpoint as typed, checked: http(s), no user name or password; without a trailing slash. */
function checkEndpoint(typed: string, what: string): string {
  const endpoint = typed.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new S3BIDSError('InvalidOption', `The ${what} "${endpoint}" is not a web address: write it as http://host:port or https://host.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new S3BIDSError('InvalidOption', `The ${what} "${endpoint}" must start with http:// or https://.`);
  // A name and password in an address would travel with every request and land in links and exports.
  if (url.username || url.password)
    throw new S3BIDSError(
      'InvalidOption',
      `The ${what} holds a user name or password ("…@${url.host}"). Remove it and enter the keys under credentials instead: they are kept in memory only.`,
    );
  return endpoint;
}

function applyOverrides(loc: StudyLocation, o: LocationOverrides): StudyLocation {
  const out = { ...loc };
  if (o.endpoint?.trim()) {
    out.endpoint = checkEndpoint(o.endpoint, 'endpoint');
    out.forcePathStyle = true;
    const mirrors = [...new Set((o.mirrors ?? []).filter((m) => m.trim()).map((m) => checkEndpoint(m, 'mirror endpoint')))].filter((m) => m !== out.endpoint);
    if (mirrors.length) out.mirrors = mirrors;
  } else if (o.mirrors?.some((m) => m.trim())) {
    // AWS buckets have their own equivalent hostnames; mirrors are for a custom endpoint.
    throw new S3BIDSError('InvalidOption', 'Mirror endpoints serve the same buckets as a custom endpoint: enter the endpoint too, or leave the mirrors empty for AWS.');
  }
  const region = o.region?.trim();
  if (region) {
    if (!/^[a-z0-9-]+$/.test(region)) throw new S3BIDSError('InvalidOption', `"${region}" is not a region name (e.g. us-east-1).`);
    out.region = region;
  }
  if (o.forcePathStyle !== undefined) out.forcePathStyle = o.forcePathStyle;
  if (o.requesterPays) out.requesterPays = true;
  return out;
}

/** A canonical text for a location, which `parseLocation` reads back (endpoint/region travel separately). */
export function formatLocation(loc: Pick<StudyLocation, 'bucket' | 'prefix'>): string {
  return `s3://${loc.bucket}/${loc.prefix}`;
}
