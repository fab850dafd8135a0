// Listing a 1,000-subject x 25-key study through the delay proxy: ours vs pyAFQ's one listing per
// subject in sequence, and vs one sequential ListObjectsV2 pass over the whole prefix.
import type { S3Client } from '@aws-sdk/client-s3';
import { listAll, listLevel } from '../../src/lib/s3/index.ts';
import { listStudy } from '../../src/lib/s3/list-study.ts';
import { median, round, type Figure } from './report.ts';

const seconds = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
};

/** Seconds per run of listStudy (8 in flight) and of one sequential ListObjectsV2 pass, alternated, each checked for every key. */
async function oursAndSinglePass(client: S3Client, bucket: string, prefix: string, expectKeys: number, runs = 3): Promise<{ ours: number[]; single: number[] }> {
  const ours: number[] = [];
  const single: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(
      await seconds(async () => {
        const l = await listStudy(client, bucket, prefix, { concurrency: 8 });
        if (l.keys.length !== expectKeys) throw new Error(`listStudy found ${l.keys.length} keys, expected ${expectKeys}`);
      }),
    );
    single.push(
      await seconds(async () => {
        const keys = await listAll(client, bucket, `${prefix}/`);
        if (keys.length !== expectKeys) throw new Error(`single pass found ${keys.length} keys`);
      }),
    );
  }
  return { ours, single };
}

/** pyAFQ: `_ls_s3fs` for the subjects, then `_get_matching_s3_keys` per subject, one after another. */
async function perSubjectSequential(client: S3Client, bucket: string, prefix: string): Promise<number> {
  const level = await listLevel(client, bucket, `${prefix}/`);
  let n = level.objects.length;
  for (const folder of level.folders) n += (await listAll(client, bucket, folder)).length;
  return n;
}

export async function listingFigures(client: S3Client, bucket: string, prefix: string, expectKeys: number): Promise<Figure[]> {
  const { ours, single } = await oursAndSinglePass(client, bucket, prefix, expectKeys);
  // Minutes per run: measured once.
  const perSubject = await seconds(async () => {
    const n = await perSubjectSequential(client, bucket, prefix);
    if (n !== expectKeys) throw new Error(`per-subject listing found ${n} keys`);
  });
  const o = median(ours);
  const s = median(single);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
  return [
    {
      name: 'list-1000x25',
      value: round(o),
      unit: 's',
      reference: 'per-subject-sequential',
      referenceValue: round(perSubject),
      ratio: round(perSubject / o, 1),
      target: '>= 10',
      pass: perSubject / o >= 10,
      note: `ours (listStudy, 8 parallel) runs ${fmt(ours)} s; per-subject sequential (1 run) ${perSubject.toFixed(1)} s; ${expectKeys} keys`,
    },
    {
      name: 'list-1000x25-vs-single-pass',
      value: round(o),
      unit: 's',
      reference: 'single-sequential-pass',
      referenceValue: round(s),
      ratio: round(s / o),
      target: '>= 1',
      pass: s / o >= 1,
      note: `single ListObjectsV2 pass runs ${fmt(single)} s`,
    },
  ];
}

/** A study whose bulk is 2,000 folders not named sub-* (`sourcedata/x0001/` …), `perFolder` keys each. */
export function nonSubjectStudy(folders = 2000, perFolder = 5): { key: string; body: string }[] {
  const files = [{ key: 'dataset_description.json', body: '{"Name":"non-subject folders","BIDSVersion":"1.8.0"}' }];
  for (let s = 1; s <= 10; s++) files.push({ key: `sub-${String(s).padStart(2, '0')}/anat/sub-${String(s).padStart(2, '0')}_T1w.nii.gz`, body: 'x' });
  for (let f = 1; f <= folders; f++)
    for (let k = 0; k < perFolder; k++) files.push({ key: `sourcedata/x${String(f).padStart(4, '0')}/part${k}.dcm`, body: `${f} ${k}` });
  return files;
}

/** listStudy over `nonSubjectStudy` vs one sequential ListObjectsV2 pass (time ratio, lower is better). */
export async function nonSubjectListingFigure(client: S3Client, bucket: string, prefix: string, expectKeys: number): Promise<Figure> {
  const { ours, single } = await oursAndSinglePass(client, bucket, prefix, expectKeys);
  const o = median(ours);
  const s = median(single);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
  return {
    name: 'list-nonsub-2000-folders',
    value: round(o),
    unit: 's',
    reference: 'single-sequential-pass',
    referenceValue: round(s),
    ratio: round(o / s),
    target: '<= 1.5',
    pass: o / s <= 1.5,
    note: `2,000 sourcedata/ folders, ${expectKeys} keys; ours (listStudy, 8 in flight) runs ${fmt(ours)} s; single pass ${fmt(single)} s`,
  };
}
