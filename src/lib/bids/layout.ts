// Where a key sits in a BIDS study or an HBN site, and which keys are a subject's
// (docs/contract.md, "Keys of a subject").
import type { ObjectInfo } from '../s3/types.ts';
import { firstSegment, relativeKey, subjectIdOf, type Flavour } from '../s3/keys.ts';
import { compareCodePoints as byCodePoint } from '../select/compare.ts';
import { PAUSE_EVERY, runNow, type Sliced } from '../slices/index.ts';

export type { Flavour };

export interface SubjectKeys {
  raw: ObjectInfo[];
  /** Pipeline name → keys. Every known pipeline has an entry, possibly empty. */
  derivatives: Record<string, ObjectInfo[]>;
}

/** Where a key sits in a study: a subject's raw file, a subject's derivative, a pipeline's own file, or elsewhere. */
export type KeyPlace =
  | { kind: 'raw'; subject: string }
  | { kind: 'derivative'; subject: string; pipeline: string }
  | { kind: 'pipeline-file'; pipeline: string }
  | { kind: 'other' };

/** The place of a key relative to the study (`sub-01/anat/…`, `derivatives/afq/…`). */
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
  return runNow(pipelinesInSteps(keys, prefix, flavour));
}

/** `pipelinesIn`, pausing now and then (src/lib/slices): a pass over every key of a big study. */
export function* pipelinesInSteps(keys: Iterable<ObjectInfo>, prefix: string, flavour: Flavour): Sliced<string[]> {
  const found = new Set<string>();
  let n = 0;
  for (const o of keys) {
    if (++n % PAUSE_EVERY === 0) yield;
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
