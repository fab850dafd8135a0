// The pyAFQ call (AFQ.data.s3bids) that downloads the same selection.
import type { DownloadOptions } from '../plan/index.ts';

export interface PyAfqSelection {
  studyId: string;
  bucket: string;
  s3Prefix: string;
  /** The selected subject ids: passed explicitly so pyAFQ picks exactly these. */
  subjects: readonly string[];
  randomSeed?: number;
  useParticipantsTsv?: boolean;
  anon?: boolean;
  /** HBN site (`Site-SI`…): the call becomes `HBNSite(site, …)`. */
  site?: string;
  /** Custom endpoints are not supported by pyAFQ; noted in a comment. */
  endpoint?: string;
  directory: string;
  options?: DownloadOptions;
  /** A requester-pays bucket: pyAFQ has no option for it, so the script says so. */
  requesterPays?: boolean;
}

/** pyAFQ's S3BIDSStudy makes its own boto3 client and takes no RequestPayer, so a script can only say so. */
export const PYAFQ_REQUESTER_PAYS =
  '# Requester pays: pyAFQ cannot send RequestPayer="requester", so S3 refuses its requests to this bucket. Use the AWS CLI or s5cmd export.';

/** A Python literal: JSON strings, numbers and lists are valid Python; booleans and null are not. */
function py(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string' || typeof v === 'number') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  throw new TypeError(`No Python literal for ${typeof v}`);
}

const DEFAULT_AGNOSTIC = ['dataset_description.json'];
/** The top-level names pyAFQ's include_modality_agnostic knows (it takes each with or without an extension). */
const PYAFQ_AGNOSTIC = ['dataset_description.json', 'CHANGES', 'README', 'LICENSE'];

/** Top-level files chosen by exact name, as pyAFQ's include_modality_agnostic names them; and those it cannot name. */
function agnosticFor(files: readonly string[]): { names: string[]; missed: string[] } {
  const names = PYAFQ_AGNOSTIC.filter((n) => files.some((f) => f === n || f.startsWith(`${n}.`)));
  const missed = files.filter((f) => !PYAFQ_AGNOSTIC.some((n) => f === n || f.startsWith(`${n}.`)));
  return { names, missed };
}

/** The pyAFQ call that downloads the same selection. */
export function pyAfqScript(sel: PyAfqSelection): string {
  const o = sel.options ?? {};
  const hbn = sel.site !== undefined;
  // pyAFQ matched a bare string by characters (its bug); a list gets the substring rule we use.
  const derivs = typeof o.includeDerivs === 'string' ? [o.includeDerivs] : o.includeDerivs ?? false;
  const byName = o.topLevelFiles ? agnosticFor(o.topLevelFiles) : undefined;
  const agnostic = byName
    ? byName.names.length
      ? byName.names
      : false
    : o.includeModalityAgnostic === 'all'
      ? true
      : o.includeModalityAgnostic ?? (hbn ? false : DEFAULT_AGNOSTIC);
  const lines = [`from AFQ.data.s3bids import ${hbn ? 'HBNSite' : 'S3BIDSStudy'}`, ''];
  if (sel.requesterPays) lines.push(PYAFQ_REQUESTER_PAYS);
  if (sel.endpoint) lines.push(`# pyAFQ reads AWS S3 only; the custom endpoint ${JSON.stringify(sel.endpoint)} cannot be set here.`);
  if (o.includeDerivsExact) lines.push('# pyAFQ matches include_derivs by name part: it also downloads pipelines whose names contain these.');
  if (byName?.missed.length)
    lines.push(`# pyAFQ's include_modality_agnostic names only ${PYAFQ_AGNOSTIC.join(', ')} (with any extension): ${byName.missed.join(', ')} cannot be asked for here.`);
  if (o.entities && Object.values(o.entities).some((v) => v?.length))
    lines.push('# pyAFQ has no BIDS entity filters (data type, suffix, session, task, run, acquisition): this call downloads more files than the selection.');
  if (o.include?.length || o.exclude?.length) lines.push('# pyAFQ has no glob include/exclude filters: this call downloads more files than the selection.');
  const ctor = hbn
    ? [`    ${py(sel.site)},`]
    : [`    ${py(sel.studyId)},`, `    ${py(sel.bucket)},`, `    ${py(sel.s3Prefix)},`];
  ctor.push(`    subjects=${py([...sel.subjects])},`);
  if (!hbn) ctor.push(`    anon=${py(sel.anon ?? true)},`);
  ctor.push(`    use_participants_tsv=${py(sel.useParticipantsTsv ?? false)},`);
  if (sel.randomSeed !== undefined) ctor.push(`    random_seed=${py(sel.randomSeed)},`);
  lines.push(`study = ${hbn ? 'HBNSite' : 'S3BIDSStudy'}(`, ...ctor, ')');
  const dl = [`    ${py(sel.directory)},`, `    include_modality_agnostic=${py(agnostic)},`, `    include_derivs=${py(derivs)},`];
  if (!hbn) {
    dl.push(`    include_derivs_dataset_description=${py(o.includeDerivsDatasetDescription ?? true)},`);
    dl.push(`    suffix=${py(o.suffix ?? null)},`);
  } else if (o.suffix) lines.push('# HBNSite.download has no suffix argument: this call downloads every file of the subjects.');
  dl.push(`    overwrite=${py(o.overwrite ?? false)},`);
  lines.push('study.download(', ...dl, ')');
  return lines.join('\n') + '\n';
}
