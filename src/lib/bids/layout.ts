import { relativeKey } from './paths.ts';

// Characters Windows, macOS or the File System Access API refuse in a name.
const FORBIDDEN = /[<>:"\\|?*\u0000-\u001f]/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Why a relative path cannot be written safely inside the chosen folder, or undefined when it can. */
export function unsafePathReason(path: string): string | undefined {
  if (path === '') return 'the key is empty below the study prefix';
  if (path.startsWith('/')) return 'the path is absolute';
  const segments = path.split('/');
  for (const s of segments) {
    if (s === '') return 'the path has an empty segment (`//` or a trailing `/`)';
    if (s === '.' || s === '..') return `the path has a "${s}" segment that would leave the folder`;
    if (FORBIDDEN.test(s)) return `"${s}" holds a character file systems refuse (< > : " \\ | ? * or a control character)`;
    if (/[. ]$/.test(s)) return `"${s}" ends with a dot or a space, which Windows and the browser refuse`;
    if (RESERVED.test(s)) return `"${s}" is a reserved device name on Windows`;
    if (s === '.s3bids' && segments[0] === s) return 'the name .s3bids is reserved for the app’s own files';
  }
  return undefined;
}

/**
 * Where a key lands below the chosen folder (SPEC §3.4): the key with the study prefix removed from its
 * start, `/`-separated. `refused` says why it must not be written, when so.
 */
export function localPathFor(key: string, prefix: string): { localPath: string; refused?: string } {
  const rel = relativeKey(key, prefix);
  if (rel === undefined) return { localPath: key, refused: `the key is not below the study prefix "${prefix}"` };
  const refused = unsafePathReason(rel);
  return refused ? { localPath: rel, refused } : { localPath: rel };
}
