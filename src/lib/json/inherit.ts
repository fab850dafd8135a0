import { S3BIDSError } from '../errors/index.ts';

/** A BIDS file name taken apart: `sub-01_task-rest_bold.nii.gz` → entities, suffix `bold`, extension `.nii.gz`. */
export interface BidsName {
  entities: Record<string, string>;
  suffix: string;
  extension: string;
}

const ENTITY = /^([A-Za-z0-9]+)-([A-Za-z0-9+]+)$/;
const SUFFIX = /^[A-Za-z0-9]+$/;

/** Parses a BIDS file name (no folders), or undefined when it does not follow the entity pattern. */
export function parseBidsName(filename: string): BidsName | undefined {
  const dot = filename.indexOf('.');
  const stem = dot < 0 ? filename : filename.slice(0, dot);
  const extension = dot < 0 ? '' : filename.slice(dot);
  const parts = stem.split('_');
  const suffix = parts.pop()!;
  if (!SUFFIX.test(suffix)) return undefined;
  const entities: Record<string, string> = {};
  for (const p of parts) {
    const m = ENTITY.exec(p);
    if (!m || m[1]! in entities) return undefined;
    entities[m[1]!] = m[2]!;
  }
  return { entities, suffix, extension };
}

/** True when every entity of `sidecar` is in `data` with the same value (no extra entities). */
export function entitiesSubset(sidecar: Record<string, string>, data: Record<string, string>): boolean {
  return Object.entries(sidecar).every(([k, v]) => data[k] === v);
}

const dirOf = (key: string) => (key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '');
const baseOf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/**
 * The sidecars that apply to `dataKey` under the BIDS inheritance principle, top level first:
 * `.json` files with the same suffix whose entities are a subset of the data file's, in the data
 * file's folder or a parent up to the dataset root (the folder holding `sub-*`). Within one level,
 * fewer entities come first so the more specific file wins. Asked about a `.json` file itself, the
 * answer ends with that file, so a sidecar shows what it inherits too.
 */
export function sidecarCandidates(dataKey: string, allKeys: Iterable<string>): { levels: string[][]; files: string[] } {
  const name = parseBidsName(baseOf(dataKey));
  if (!name) return { levels: [], files: [] };
  const dir = dirOf(dataKey);
  const segs = dir === '' ? [] : dir.split('/');
  const subAt = segs.findIndex((s) => /^sub-[A-Za-z0-9]+$/.test(s));
  const rootLen = subAt < 0 ? segs.length : subAt;
  const levelDirs = new Map<string, number>();
  for (let l = rootLen; l <= segs.length; l++) levelDirs.set(segs.slice(0, l).join('/'), l - rootLen);
  const levels: { key: string; n: number }[][] = Array.from({ length: segs.length - rootLen + 1 }, () => []);
  for (const key of allKeys) {
    // A sidecar asked about itself comes last below (it is the most specific file).
    if (key === dataKey || !key.endsWith('.json')) continue;
    const level = levelDirs.get(dirOf(key));
    if (level === undefined) continue;
    const side = parseBidsName(baseOf(key));
    if (!side || side.extension !== '.json' || side.suffix !== name.suffix) continue;
    if (!entitiesSubset(side.entities, name.entities)) continue;
    levels[level]!.push({ key, n: Object.keys(side.entities).length });
  }
  const ordered = levels.map((l) => l.sort((a, b) => a.n - b.n || (a.key < b.key ? -1 : 1)).map((c) => c.key));
  if (name.extension === '.json') ordered.at(-1)!.push(dataKey);
  return { levels: ordered, files: ordered.flat() };
}

export interface ResolvedSidecar {
  /** The merged metadata: lower levels override higher ones, field by field. */
  data: Record<string, unknown>;
  /** For each field, the key of the file its value came from. */
  provenance: Record<string, string>;
  /** The files applied, in order (top level first). */
  files: string[];
  /** Levels holding more than one applicable file, which BIDS forbids; shown as a warning. */
  conflicts: string[][];
}

const define = (o: object, k: string, value: unknown) =>
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });

/** Resolves a data file's sidecar metadata with BIDS inheritance; `read` loads one JSON file. */
export async function resolveSidecar(
  dataKey: string,
  allKeys: Iterable<string>,
  read: (key: string) => Promise<unknown>,
): Promise<ResolvedSidecar> {
  const { levels, files } = sidecarCandidates(dataKey, allKeys);
  const contents = await Promise.all(files.map((k) => read(k)));
  const data: Record<string, unknown> = {};
  const provenance: Record<string, string> = {};
  files.forEach((key, i) => {
    const obj = contents[i];
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      throw new S3BIDSError('InvalidJson', `${key} is not a JSON object, so it cannot hold sidecar metadata.`);
    for (const [field, value] of Object.entries(obj)) {
      // defineProperty, not assignment: a "__proto__" field must stay a plain field.
      define(data, field, value);
      define(provenance, field, key);
    }
  });
  return { data, provenance, files, conflicts: levels.filter((l) => l.length > 1) };
}
