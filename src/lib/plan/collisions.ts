// Names that are one file on the user's disk (docs/folders.md): macOS (APFS) and Windows (NTFS) compare
// names without letter case, and APFS compares Unicode-normalised names, so `sub-01_T1w.nii` and
// `sub-01_t1w.nii`, or an NFC and an NFD `é`, would be written into one file. A path that is a file for
// one key and a folder for another (`a` and `a/b`) cannot exist on any disk. The planner, the saver and
// the exports all read these rules from here.
import type { PlanEntry } from './types.ts';
import { PAUSE_EVERY, runNow, sortSliced, type Sliced } from '../slices/index.ts';

/** The name a case-insensitive, normalising disk sees: NFC, then lower case, per segment. */
export function diskName(localPath: string): string {
  return localPath.normalize('NFC').toLowerCase().normalize('NFC');
}

/**
 * Why each entry would collide on the user's disk with another entry of the same plan, by index.
 * The first of colliding entries keeps its name (generated files first, then in code-point order of
 * the path); every other is refused with its reason, so no two writers share a file and no key's bytes
 * land under another key's name. Entries already refused take no part.
 */
export function diskCollisions(entries: readonly Pick<PlanEntry, 'localPath' | 'refused' | 'action' | 'key'>[]): Map<number, string> {
  return runNow(diskCollisionSteps(entries));
}

/** `diskCollisions`, pausing now and then (src/lib/slices). */
export function* diskCollisionSteps(entries: readonly Pick<PlanEntry, 'localPath' | 'refused' | 'action' | 'key'>[]): Sliced<Map<number, string>> {
  const out = new Map<number, string>();
  const kept = entries.map((e, i) => i).filter((i) => !entries[i]!.refused);
  const order = yield* sortSliced(kept, (a, b) => {
    const ga = entries[a]!.action === 'generate' ? 0 : 1;
    const gb = entries[b]!.action === 'generate' ? 0 : 1;
    if (ga !== gb) return ga - gb;
    const pa = entries[a]!.localPath;
    const pb = entries[b]!.localPath;
    return pa < pb ? -1 : pa > pb ? 1 : a - b;
  });
  // Disk name of every kept file, and of every folder a kept file needs.
  const files = new Map<string, string>();
  const folders = new Map<string, string>();
  let n = 0;
  for (const i of order) {
    if (++n % PAUSE_EVERY === 0) yield;
    const path = entries[i]!.localPath;
    const name = diskName(path);
    const segments = name.split('/');
    const parents = segments.slice(0, -1).map((_, k) => segments.slice(0, k + 1).join('/'));
    const sameFile = files.get(name);
    const fileAsFolder = parents.find((p) => files.has(p));
    let reason: string | undefined;
    if (sameFile !== undefined)
      reason =
        sameFile === path
          ? `another entry of the plan saves to the same path`
          : `"${path}" and "${sameFile}" differ only by letter case or Unicode normalisation, and macOS and Windows disks would save both into one file`;
    else if (folders.has(name)) reason = `"${path}" is also a folder of "${folders.get(name)}"; a disk cannot hold a file and a folder under one name`;
    else if (fileAsFolder !== undefined)
      reason = `"${files.get(fileAsFolder)}" is a file, so it cannot also be a folder holding "${path}"`;
    if (reason) {
      out.set(i, reason);
      continue;
    }
    files.set(name, path);
    for (const p of parents) if (!folders.has(p)) folders.set(p, path);
  }
  return out;
}

/** `entries` with colliding ones refused (copies; the others unchanged). */
export function refuseDiskCollisions<E extends PlanEntry>(entries: readonly E[]): E[] {
  return runNow(refuseDiskCollisionSteps(entries));
}

/** `refuseDiskCollisions`, pausing now and then (src/lib/slices). */
export function* refuseDiskCollisionSteps<E extends PlanEntry>(entries: readonly E[]): Sliced<E[]> {
  const clashes = yield* diskCollisionSteps(entries);
  if (clashes.size === 0) return [...entries];
  return entries.map((e, i) => (clashes.has(i) ? { ...e, refused: clashes.get(i)! } : e));
}
