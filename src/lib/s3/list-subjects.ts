// pyAFQ's way of listing a study without a whole-study listing: only what the chosen subjects need
// (docs/contract.md, "Keys of a subject"), in parallel where pyAFQ lists one prefix after another.
import type { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { throwIfAborted } from '../errors/index.ts';
import { compareCodePoints as byCodePoint } from '../select/compare.ts';
import { belongsTo, joinKey, subjectIdOf, type Flavour } from './keys.ts';
import { listAll, listLevel } from './list.ts';
import type { TopLevel } from './top-level.ts';
import type { ObjectInfo } from './types.ts';

export interface SubjectsListing {
  /** Every pipeline of the study (not only those the chosen subjects have), sorted by code point. */
  pipelines: string[];
  /**
   * The chosen subjects' raw and derivative keys. Raw keys are listed by prefix, so `sub-01` brings
   * `sub-010`'s keys too; the study index assigns each key to its own subject.
   */
  keys: ObjectInfo[];
  /** Files directly inside each BIDS pipeline folder (its dataset_description.json, …). */
  pipelineFiles: ObjectInfo[];
}

/**
 * Lists just what the chosen subjects need, in parallel: each subject's raw keys, and per pipeline its
 * derivative keys (pyAFQ lists these one after another).
 */
export async function listSubjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  flavour: Flavour,
  top: TopLevel,
  subjects: readonly string[],
  opts: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<SubjectsListing> {
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
  const raw = Promise.all(subjects.map((s) => run(() => listAll(client, bucket, joinKey(prefix, s), sig))));
  // Awaited at the end; should the derivatives fail first, their failure is the one reported.
  raw.catch(() => undefined);
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
  for (const ks of await raw) keys.push(...ks);
  return { pipelines, keys, pipelineFiles: pipelineFilesOut };
}
