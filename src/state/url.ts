// The shareable part of the view, as URL hash parameters. Pure: no Svelte, no window, so it is tested in Node.
// Credentials never appear here; nothing that reads them is in this file.
import { ENTITY_FACETS, validateSeed, type EntityFacet, type Filter, type LocationOverrides, type SortDirection } from '../lib/index.ts';

export type SelectionMode = 'all' | 'hand' | 'filter' | 'random';
export type DerivsMode = 'all' | 'none' | 'some';
export type TopLevelMode = 'default' | 'all' | 'none' | 'some';
/** Ticked values per BIDS entity ('' is "files without it"); an entity left out keeps every value. */
export type EntityChoice = Partial<Record<EntityFacet, string[]>>;

export interface ViewQuery {
  /** What the user pasted or picked, as `parseLocation` reads it. */
  study?: string;
  endpoint?: string;
  /** Mirror endpoints of `endpoint` (docs/hosts.md, "Custom endpoints and mirrors"). */
  mirrors?: string[];
  region?: string;
  pathStyle?: boolean;
  /** The bucket is requester pays (sent only with credentials, which never appear here). */
  requesterPays?: boolean;
  filters: Filter[];
  sort?: { column: string; dir: SortDirection };
  mode: SelectionMode;
  /** Subjects picked by hand. */
  ids: string[];
  /** Random subset: how many, which seed, and whether drawn from the filtered rows only. */
  n: number;
  seed?: number;
  fromFiltered: boolean;
  derivs: DerivsMode;
  pipelines: string[];
  suffix: string;
  include: string[];
  exclude: string[];
  top: TopLevelMode;
  /** Top-level files by exact name, when `top` is 'some'. */
  topNames: string[];
  entities: EntityChoice;
}

export const DEFAULT_QUERY: ViewQuery = {
  filters: [],
  mode: 'random',
  ids: [],
  n: 1,
  fromFiltered: false,
  derivs: 'none',
  pipelines: [],
  suffix: '',
  include: [],
  exclude: [],
  top: 'default',
  topNames: [],
  entities: {},
};

/** Where the view says the study is served: what `parseLocation` takes besides the text. */
export function overridesOf(q: Pick<ViewQuery, 'endpoint' | 'mirrors' | 'region' | 'pathStyle' | 'requesterPays'>): LocationOverrides {
  return {
    ...(q.endpoint ? { endpoint: q.endpoint } : {}),
    ...(q.mirrors?.length ? { mirrors: [...q.mirrors] } : {}),
    ...(q.region ? { region: q.region } : {}),
    ...(q.pathStyle !== undefined ? { forcePathStyle: q.pathStyle } : {}),
    ...(q.requesterPays ? { requesterPays: true } : {}),
  };
}

/** The view's fields for these overrides (`overridesOf` read back). */
export function queryOf(o: LocationOverrides): Pick<ViewQuery, 'endpoint' | 'mirrors' | 'region' | 'pathStyle' | 'requesterPays'> {
  return {
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.mirrors?.length ? { mirrors: [...o.mirrors] } : {}),
    ...(o.region ? { region: o.region } : {}),
    ...(o.forcePathStyle !== undefined ? { pathStyle: o.forcePathStyle } : {}),
    ...(o.requesterPays ? { requesterPays: true } : {}),
  };
}

/** A seed as typed or as the URL has it: what the engine's validateSeed accepts, else undefined. */
export function parseSeed(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  try {
    return validateSeed(Number(text));
  } catch {
    return undefined;
  }
}

const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);

function parseFilters(v: string | null): Filter[] {
  if (!v) return [];
  try {
    const parsed: unknown = JSON.parse(v);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((f): f is Filter => {
      if (!f || typeof f !== 'object' || typeof f.column !== 'string') return false;
      if (f.kind === 'range') return (f.min === undefined || typeof f.min === 'number') && (f.max === undefined || typeof f.max === 'number');
      if (f.kind === 'pick') return Array.isArray(f.values) && f.values.every((x: unknown) => typeof x === 'string');
      return f.kind === 'text' && typeof f.contains === 'string';
    });
  } catch {
    return []; // A hand-edited URL with broken JSON loses its filters, not the whole view.
  }
}

function oneOf<T extends string>(v: string | null, allowed: readonly T[], fallback: T): T {
  return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

/** Reads a URL hash (`#study=…&seed=42`, with or without the `#`). Unknown or broken values fall back to defaults. */
export function decodeQuery(hash: string): ViewQuery {
  const p = new URLSearchParams(hash.replace(/^#\/?\??/, ''));
  const q: ViewQuery = { ...DEFAULT_QUERY, filters: parseFilters(p.get('filters')) };
  const study = p.get('study');
  if (study) q.study = study;
  const endpoint = p.get('endpoint');
  if (endpoint) q.endpoint = endpoint;
  const mirrors = p.getAll('mirror').filter(Boolean);
  if (mirrors.length) q.mirrors = mirrors;
  const region = p.get('region');
  if (region) q.region = region;
  if (p.has('pathStyle')) q.pathStyle = p.get('pathStyle') === '1';
  if (p.get('requesterPays') === '1') q.requesterPays = true;
  const sort = /^(.*):(asc|desc)$/.exec(p.get('sort') ?? '');
  if (sort && sort[1]) q.sort = { column: sort[1], dir: sort[2] as SortDirection };
  q.mode = oneOf(p.get('mode'), ['all', 'hand', 'filter', 'random'] as const, DEFAULT_QUERY.mode);
  q.ids = list(p.get('ids'));
  const n = Number(p.get('n'));
  if (Number.isInteger(n) && n >= 1) q.n = n;
  const seed = parseSeed(p.get('seed'));
  if (seed !== undefined) q.seed = seed;
  q.fromFiltered = p.get('fromFiltered') === '1';
  q.derivs = oneOf(p.get('derivs'), ['all', 'none', 'some'] as const, DEFAULT_QUERY.derivs);
  q.pipelines = list(p.get('pipelines'));
  q.suffix = p.get('suffix') ?? '';
  q.include = p.getAll('include').filter(Boolean);
  q.exclude = p.getAll('exclude').filter(Boolean);
  q.top = oneOf(p.get('top'), ['default', 'all', 'none', 'some'] as const, DEFAULT_QUERY.top);
  q.topNames = list(p.get('topNames'));
  // One parameter per ticked value (`e.session=1&e.session=`), so '' (files without it) survives.
  const entities: EntityChoice = {};
  for (const f of ENTITY_FACETS) {
    const values = p.getAll(`e.${f}`);
    if (values.length) entities[f] = [...new Set(values)];
  }
  q.entities = entities;
  return q;
}

/** Writes the view as a URL hash (with `#`), leaving defaults out so shared links stay short. */
export function encodeQuery(q: ViewQuery): string {
  const p = new URLSearchParams();
  if (q.study) p.set('study', q.study);
  if (q.endpoint) p.set('endpoint', q.endpoint);
  for (const m of q.mirrors ?? []) p.append('mirror', m);
  if (q.region) p.set('region', q.region);
  if (q.pathStyle !== undefined) p.set('pathStyle', q.pathStyle ? '1' : '0');
  if (q.requesterPays) p.set('requesterPays', '1');
  if (q.filters.length) p.set('filters', JSON.stringify(q.filters));
  if (q.sort) p.set('sort', `${q.sort.column}:${q.sort.dir}`);
  if (q.mode !== DEFAULT_QUERY.mode) p.set('mode', q.mode);
  if (q.ids.length) p.set('ids', q.ids.join(','));
  if (q.n !== DEFAULT_QUERY.n) p.set('n', String(q.n));
  if (q.seed !== undefined) p.set('seed', String(q.seed));
  if (q.fromFiltered) p.set('fromFiltered', '1');
  if (q.derivs !== DEFAULT_QUERY.derivs) p.set('derivs', q.derivs);
  if (q.pipelines.length) p.set('pipelines', q.pipelines.join(','));
  if (q.suffix) p.set('suffix', q.suffix);
  for (const g of q.include) p.append('include', g);
  for (const g of q.exclude) p.append('exclude', g);
  if (q.top !== DEFAULT_QUERY.top) p.set('top', q.top);
  if (q.topNames.length) p.set('topNames', q.topNames.join(','));
  for (const f of ENTITY_FACETS) for (const v of q.entities[f] ?? []) p.append(`e.${f}`, v);
  const s = p.toString();
  return s ? `#${s}` : '';
}
