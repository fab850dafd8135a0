// What a key's path says in BIDS terms: its place in the study, its data type folder, and its file
// name's entities, suffix and extension. File names are read by the one BIDS name parser, json/'s
// `parseBidsName`, which sidecar inheritance uses too.
// Imported from its own file, not json/index.ts, so the first page load does not bring the rest of json/.
import { parseBidsName } from '../json/inherit.ts';
import type { EntityFacet } from '../plan/index.ts';
import type { Flavour } from '../s3/keys.ts';
import { placeOf, type KeyPlace } from './layout.ts';

export interface KeyEntities {
  /** Where the key sits: a subject's raw file, a subject's derivative (with its pipeline), a pipeline's own file, or elsewhere. */
  place: KeyPlace;
  /** `anat`, `dwi`, `func`, …: the folder holding the file directly below `sub-<label>/` or `sub-<label>/ses-<label>/`. */
  datatype?: string;
  /** The file name's entities in order (`sub`, `ses`, `task`, `acq`, `run`, …); empty when the name does not follow BIDS. */
  entities: Readonly<Record<string, string>>;
  /** `bold`, `T1w`, `dwi`, …; absent when the name does not follow BIDS. */
  suffix?: string;
  /** From the file name's first dot (`.nii.gz`), or '' when it has none. */
  extension: string;
}

const SUB = /^sub-[A-Za-z0-9]+$/;
const SES = /^ses-[A-Za-z0-9]+$/;

/** The data type folder of a path that starts at a subject folder: `sub-01/[ses-1/]anat/x` → `anat`. */
function datatypeOf(segments: readonly string[]): string | undefined {
  if (segments.length < 3 || !SUB.test(segments[0]!)) return undefined;
  const at = SES.test(segments[1]!) ? 2 : 1;
  return segments.length === at + 2 ? segments[at] : undefined;
}

/** Reads a key relative to the study (`sub-01/ses-1/dwi/sub-01_ses-1_dwi.nii.gz`) in the study's layout. */
export function keyEntities(rel: string, flavour: Flavour): KeyEntities {
  const place = placeOf(rel, flavour);
  const segments = rel.split('/');
  const name = segments[segments.length - 1]!;
  // Where a subject folder may start: raw keys at the top; BIDS derivatives below derivatives/<pipeline>/;
  // HBN derivatives below derivatives/<subject>/<pipeline>/ (a pipeline may repeat the subject folder there).
  const from = place.kind === 'raw' ? 0 : place.kind === 'derivative' ? (flavour === 'bids' ? 2 : 3) : -1;
  const datatype = from < 0 ? undefined : datatypeOf(segments.slice(from));
  const parsed = parseBidsName(name);
  const dot = name.indexOf('.');
  const out: KeyEntities = { place, entities: parsed?.entities ?? {}, extension: parsed?.extension ?? (dot < 0 ? '' : name.slice(dot)) };
  if (datatype !== undefined) out.datatype = datatype;
  if (parsed) out.suffix = parsed.suffix;
  return out;
}

/** The entities a choice of files names, in the order the page offers them. */
export const ENTITY_FACETS: readonly EntityFacet[] = ['datatype', 'suffix', 'session', 'task', 'run', 'acq'];

/** A key's value for one entity: the data type folder, the suffix, or a file-name entity; '' when it has none. */
export function facetValue(e: KeyEntities, f: EntityFacet): string {
  switch (f) {
    case 'datatype':
      return e.datatype ?? '';
    case 'suffix':
      return e.suffix ?? '';
    case 'session':
      return e.entities['ses'] ?? '';
    default:
      return e.entities[f] ?? '';
  }
}
