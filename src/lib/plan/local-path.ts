// Where a planned file may land in the chosen folder. Planning refuses unsafe keys; saving checks again
// before it writes, so both sides read these rules from here (docs/contract.md, "Local layout").
import { relativeKey } from '../s3/keys.ts';

/** The app's own folder at the root of the chosen directory (docs/contract.md, "Overwrite, skip, resume, verify"). */
export const APP_DIR = '.s3bids';

// Names Windows (and so a folder the user may later copy there) refuses.
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const UTF8 = new TextEncoder();
// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\u0000-\u001f\u007f<>:"|?*\\]/;

/**
 * Why `localPath` cannot be written safely inside the chosen folder, or undefined when it can.
 * Portable rules: a file saved on Linux should survive being copied to Windows or macOS.
 */
export function unsafePathReason(localPath: string): string | undefined {
  if (localPath === '') return 'the path is empty';
  if (localPath.startsWith('/') || /^[A-Za-z]:/.test(localPath)) return 'the path is absolute';
  const segments = localPath.split('/');
  if (segments[0] === APP_DIR) return `"${APP_DIR}" is reserved for the app's own files`;
  for (const s of segments) {
    if (s === '') return 'the path has an empty segment ("//" or a trailing "/")';
    if (s === '.' || s === '..') return `the path has a "${s}" segment that would leave the folder`;
    if (BAD_CHARS.test(s)) return `"${s}" has a character file systems refuse (control, < > : " | ? * or \\)`;
    if (/[ .]$/.test(s)) return `"${s}" ends with a space or a dot, which Windows refuses`;
    if (RESERVED.test(s)) return `"${s}" is a reserved device name on Windows`;
    // A UTF-16 code unit is at most 3 UTF-8 bytes: only long names need encoding (this runs per planned file).
    if (s.length > 85 && UTF8.encode(s).length > 255) return `"${s.slice(0, 40)}…" is longer than 255 bytes`;
  }
  return undefined;
}

/**
 * Where a key lands below the chosen folder: the key with the study prefix removed from its start,
 * `/`-separated. `refused` says why it must not be written, when so.
 */
export function localPathFor(key: string, prefix: string): { localPath: string; refused?: string } {
  const rel = relativeKey(key, prefix);
  if (rel === undefined) return { localPath: key, refused: `the key is not below the study prefix "${prefix}"` };
  const refused = unsafePathReason(rel);
  return refused ? { localPath: rel, refused } : { localPath: rel };
}
