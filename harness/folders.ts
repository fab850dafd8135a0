// Save targets that behave like the disks users really have (docs/folders.md): a real temporary folder
// underneath, seen through the name rules of macOS (APFS) and Windows (NTFS). Linux temp dirs are
// case-sensitive and keep NFC and NFD names apart, so without these a test cannot see two keys land in
// one file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFolderTarget } from '../src/lib/save/node-folder.ts';
import type { SaveTarget } from '../src/lib/save/types.ts';

export interface DiskRules {
  /** Names are compared without letter case, keeping the case they were made with (APFS, NTFS). */
  caseInsensitive?: boolean;
  /** Names are compared after Unicode normalisation (APFS: NFC and NFD forms of a name are one file). */
  normalising?: boolean;
  /** Refuse names Windows refuses (reserved device names, `<>:"|?*\`, control characters, a trailing dot or space). */
  windows?: boolean;
}

/** macOS's default disk. */
export const APFS: DiskRules = { caseInsensitive: true, normalising: true };
/** A Windows disk. */
export const NTFS: DiskRules = { caseInsensitive: true, windows: true };

// eslint-disable-next-line no-control-regex
const WINDOWS_BAD = /[\u0000-\u001f<>:"|?*\\]|[ .]$|^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** An error as the OS gives one for a name it refuses (Windows: ERROR_INVALID_NAME; Node maps it to EINVAL). */
function invalidName(name: string): Error {
  return Object.assign(new Error(`EINVAL: invalid argument, the name "${name}" is not allowed on this disk`), { code: 'EINVAL' });
}

/**
 * A SaveTarget over the real folder `root` that resolves every path as such a disk would: a segment
 * naming an existing entry under another case or normalisation opens that entry.
 */
export function realFolderTarget(root: string, rules: DiskRules = APFS): SaveTarget {
  const inner = nodeFolderTarget(root);
  const fold = (s: string) => {
    let n = rules.normalising ? s.normalize('NFC') : s;
    if (rules.caseInsensitive) n = n.toLowerCase();
    return n;
  };
  const resolve = (path: string): string => {
    const segments = path.split('/');
    const out: string[] = [];
    for (const seg of segments) {
      if (rules.windows && WINDOWS_BAD.test(seg)) throw invalidName(seg);
      let names: string[] = [];
      try {
        names = readdirSync(join(root, ...out));
      } catch {
        // The folder does not exist yet: the name is made as given.
      }
      const found = names.find((n) => n === seg) ?? names.find((n) => fold(n) === fold(seg));
      out.push(found ?? seg);
    }
    return out.join('/');
  };
  // A name refused by the disk fails the call, as the OS call would.
  const wrap =
    <A extends unknown[], R>(f: (p: string, ...rest: A) => Promise<R>) =>
    async (p: string, ...rest: A): Promise<R> =>
      f(resolve(p), ...rest);
  return {
    kind: 'node',
    stat: wrap(inner.stat),
    readText: wrap(inner.readText),
    writeText: wrap(inner.writeText),
    openWrite: wrap(inner.openWrite),
    move: async (from, to) => inner.move(resolve(from), resolve(to)),
    remove: wrap(inner.remove),
    openRead: wrap(inner.openRead!),
  };
}
