import { unsafePathReason } from '../save/paths.ts';
import { relativeKey } from '../s3/keys.ts';

export { unsafePathReason };

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
