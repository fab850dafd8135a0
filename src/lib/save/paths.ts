import { APP_DIR } from './app-folder.ts';

// Names Windows (and so a folder the user may later copy there) refuses.
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
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
  const enc = new TextEncoder();
  for (const s of segments) {
    if (s === '') return 'the path has an empty segment ("//" or a trailing "/")';
    if (s === '.' || s === '..') return `the path has a "${s}" segment that would leave the folder`;
    if (BAD_CHARS.test(s)) return `"${s}" has a character file systems refuse (control, < > : " | ? * or \\)`;
    if (/[ .]$/.test(s)) return `"${s}" ends with a space or a dot, which Windows refuses`;
    if (RESERVED.test(s)) return `"${s}" is a reserved device name on Windows`;
    if (enc.encode(s).length > 255) return `"${s.slice(0, 40)}…" is longer than 255 bytes`;
  }
  return undefined;
}
