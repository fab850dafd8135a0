// The top level of a study: a one-level listing of its prefix, split into subjects and the rest
// (docs/contract.md, "Subjects").
import type { S3Client } from '@aws-sdk/client-s3';
import { compareCodePoints as byCodePoint } from '../select/compare.ts';
import { below, joinKey, normalisePrefix, relativeKey, subjectIdOf } from './keys.ts';
import { listLevel } from './list.ts';
import type { ObjectInfo, StudyListing } from './types.ts';

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

/** Sorts a one-level listing (folders as full keys ending in `/`, and objects) into subjects and the rest. */
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

/** The top level as a whole-study listing already holds it. */
export function topLevelFromListing(listing: StudyListing): TopLevel {
  return topLevelFrom(
    listing.prefix,
    listing.topFolders.map((f) => joinKey(listing.prefix, f)),
    listing.topObjects,
  );
}

/**
 * pyAFQ `_ls_s3fs`: the entries directly under a study prefix, split into subject entries
 * (`sub-*` folders and files) and the rest. Full keys; folders without their trailing `/`.
 */
export async function lsStudy(client: S3Client, bucket: string, prefix: string): Promise<{ subjects: string[]; other: string[] }> {
  return (await listTopLevel(client, bucket, normalisePrefix(prefix))).entries;
}
