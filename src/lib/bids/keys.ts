import type { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { throwIfAborted } from '../errors/index.ts';
import { listAll, listLevel } from '../s3/list.ts';
import type { ObjectInfo, StudyListing } from '../s3/types.ts';
import { compareCodePoints as byCodePoint } from '../select/index.ts';
import { below, belongsTo, firstSegment, joinKey, relativeKey, subjectIdOf } from '../s3/keys.ts';

export type Flavour = 'bids' | 'hbn';

export interface SubjectKeys {
  raw: ObjectInfo[];
  /** Pipeline name → keys. Every known pipeline has an entry, possibly empty. */
  derivatives: Record<string, ObjectInfo[]>;
}

/** The top level of a study: who is in it and what else lies there. */
export interface TopLevel {
  /** Subject ids found (`sub-01` from `sub-01/` and `sub-01.html` alike), sorted by code point. */
  subjects: string[];
  /** Names (relative to the prefix) of top-level entries that are not subjects; folders end with `/`. */
  other: string[];
  /** Non-subject objects directly under the prefix (top-level files). */
  files: ObjectInfo[];
  /** Raw entries, as `lsStudy` returns them (full keys, folders without their trailing `/`). */
  entries: { subjects: string[]; other: string[] };
}

export function topLevelFrom(prefix: string, folders: string[], files: ObjectInfo[]): TopLevel {
  const subjects = new Set<string>();
  const other: string[] = [];
  const entries = { subjects: [] as string[], other: [] as string[] };
  const add = (name: string, full: string) => {
    const id = subjectIdOf(name);
    if (id) {
      subjects.add(id);
      entries.subjects.push(full);
    } else {
      other.push(name);
      entries.other.push(full);
    }
  };
  for (const f of folders) {
    const rel = relativeKey(f, prefix);
    if (rel !== undefined && rel !== '') add(rel, f.replace(/\/$/, ''));
  }
  const otherFiles: ObjectInfo[] = [];
  for (const o of files) {
    const rel = relativeKey(o.key, prefix);
    if (rel === undefined || rel === '') continue;
    add(rel, o.key);
    if (!subjectIdOf(rel)) otherFiles.push(o);
  }
  return { subjects: [...subjects].sort(byCodePoint), other, files: otherFiles, entries };
}

/** One-level listing of the study prefix (pyAFQ `_ls_s3fs`). */
export async function listTopLevel(client: S3Client, bucket: string, prefix: string, signal?: AbortSignal): Promise<TopLevel> {
  const level = await listLevel(client, bucket, below(prefix), signal ? { signal } : {});
  return topLevelFrom(prefix, level.folders, level.objects);
}

export function topLevelFromListing(listing: StudyListing): TopLevel {
  return topLevelFrom(
    listing.prefix,
    listing.topFolders.map((f) => joinKey(listing.prefix, f)),
    listing.topObjects,
  );
}

/** Where a key sits in a study: a subject's raw file, a subject's derivative, a pipeline's own file, or elsewhere. */
export type KeyPlace =
  | { kind: 'raw'; subject: string }
  | { kind: 'derivative'; subject: string; pipeline: string }
  | { kind: 'pipeline-file'; pipeline: string }
  | { kind: 'other' };

export function placeOf(rel: string, flavour: Flavour): KeyPlace {
  const seg = firstSegment(rel);
  const subject = subjectIdOf(seg);
  if (subject) return { kind: 'raw', subject };
  if (seg !== 'derivatives' || !rel.startsWith('derivatives/')) return { kind: 'other' };
  const rest = rel.slice('derivatives/'.length);
  const slash = rest.indexOf('/');
  // Files directly in derivatives/ are not pipelines.
  if (slash < 0) return { kind: 'other' };
  const first = rest.slice(0, slash);
  const inner = rest.slice(slash + 1);
  if (flavour === 'bids') {
    const s = subjectIdOf(firstSegment(inner));
    return s ? { kind: 'derivative', subject: s, pipeline: first } : { kind: 'pipeline-file', pipeline: first };
  }
  // HBN: derivatives/<subject>/<pipeline>/…; loose files in derivatives/<subject>/ are not pipelines.
  const s = subjectIdOf(first);
  const j = inner.indexOf('/');
  if (!s || j < 0) return { kind: 'other' };
  return { kind: 'derivative', subject: s, pipeline: inner.slice(0, j) };
}

/** Pipelines present in a set of keys (BIDS: folders under derivatives/; HBN: folders under derivatives/<subject>/). */
export function pipelinesIn(keys: Iterable<ObjectInfo>, prefix: string, flavour: Flavour): string[] {
  const found = new Set<string>();
  for (const o of keys) {
    const rel = relativeKey(o.key, prefix);
    if (rel === undefined) continue;
    const p = placeOf(rel, flavour);
    if (p.kind === 'derivative' || p.kind === 'pipeline-file') found.add(p.pipeline);
  }
  return [...found].sort(byCodePoint);
}

/** Assigns keys to the chosen subjects; keys of other subjects (`sub-010` for `sub-01`) never leak in. */
export function assignKeys(
  keys: Iterable<ObjectInfo>,
  prefix: string,
  flavour: Flavour,
  subjects: readonly string[],
  pipelines: readonly string[],
): Map<string, SubjectKeys> {
  const out = new Map<string, SubjectKeys>();
  for (const s of subjects) out.set(s, { raw: [], derivatives: Object.fromEntries(pipelines.map((p) => [p, []])) });
  const seen = new Set<string>();
  for (const o of keys) {
    if (seen.has(o.key)) continue;
    seen.add(o.key);
    const rel = relativeKey(o.key, prefix);
    if (rel === undefined) continue;
    const p = placeOf(rel, flavour);
    if (p.kind === 'raw') out.get(p.subject)?.raw.push(o);
    else if (p.kind === 'derivative') out.get(p.subject)?.derivatives[p.pipeline]?.push(o);
  }
  return out;
}

/** Non-subject files of each pipeline (e.g. its dataset_description.json), as full keys. */
export function pipelineFiles(keys: Iterable<ObjectInfo>, prefix: string, flavour: Flavour): ObjectInfo[] {
  const out: ObjectInfo[] = [];
  if (flavour === 'hbn') return out;
  for (const o of keys) {
    const rel = relativeKey(o.key, prefix);
    if (rel === undefined) continue;
    const p = placeOf(rel, flavour);
    // Only files directly in the pipeline folder, as pyAFQ's one-level listing finds them.
    if (p.kind === 'pipeline-file' && rel.split('/').length === 3) out.push(o);
  }
  return out;
}

export interface Collected {
  pipelines: string[];
  keys: ObjectInfo[];
  /** Files directly inside each BIDS pipeline folder. */
  pipelineFiles: ObjectInfo[];
}

/**
 * Lists just what the chosen subjects need, in parallel: each subject's raw keys, and per pipeline its
 * derivative keys (pyAFQ lists these one after another).
 */
export async function collectKeys(
  client: S3Client,
  bucket: string,
  prefix: string,
  flavour: Flavour,
  top: TopLevel,
  subjects: readonly string[],
  opts: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<Collected> {
  const limit = pLimit(opts.concurrency ?? 8);
  const { signal } = opts;
  const run = <T>(f: () => Promise<T>) =>
    limit(() => {
      throwIfAborted(signal);
      return f();
    });
  const derivRoot = joinKey(prefix, 'derivatives/');
  const hasDerivs = top.other.includes('derivatives/');
  const keys: ObjectInfo[] = [];
  const pipelineFilesOut: ObjectInfo[] = [];
  let pipelines: string[] = [];
  const sig = signal ? { signal } : {};
  const rawJobs = subjects.map((s) => run(() => listAll(client, bucket, joinKey(prefix, s), sig)));
  if (hasDerivs && flavour === 'bids') {
    const level = await run(() => listLevel(client, bucket, derivRoot, sig));
    pipelines = level.folders.map((f) => f.slice(derivRoot.length).replace(/\/$/, '')).sort(byCodePoint);
    const jobs: Promise<unknown>[] = [];
    for (const p of pipelines) {
      const pRoot = `${derivRoot}${p}/`;
      jobs.push(
        run(() => listLevel(client, bucket, pRoot, sig)).then((l) =>
          pipelineFilesOut.push(...l.objects.filter((o) => !subjectIdOf(o.key.slice(pRoot.length)))),
        ),
      );
      for (const s of subjects) jobs.push(run(() => listAll(client, bucket, `${pRoot}${s}`, sig)).then((ks) => keys.push(...ks)));
    }
    await Promise.all(jobs);
  } else if (hasDerivs) {
    // HBN: pipelines are the folders inside each subject's derivatives folder (pyAFQ peeks into all of them).
    const level = await run(() => listLevel(client, bucket, derivRoot, sig));
    const found = new Set<string>();
    const subjectsWithDerivs = level.folders.filter((f) => subjectIdOf(f.slice(derivRoot.length)));
    await Promise.all(
      subjectsWithDerivs.map((f) =>
        run(() => listLevel(client, bucket, f, sig)).then((l) => {
          for (const g of l.folders) found.add(g.slice(f.length).replace(/\/$/, ''));
        }),
      ),
    );
    pipelines = [...found].sort(byCodePoint);
    await Promise.all(
      subjects.map((s) =>
        run(() => listAll(client, bucket, `${derivRoot}${s}`, sig)).then((ks) =>
          keys.push(...ks.filter((o) => belongsTo(o.key.slice(derivRoot.length), s))),
        ),
      ),
    );
  }
  for (const ks of await Promise.all(rawJobs)) keys.push(...ks);
  return { pipelines, keys, pipelineFiles: pipelineFilesOut };
}
