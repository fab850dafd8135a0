// pyAFQ's S3BIDSStudy and S3BIDSSubject, with their names and behaviour, as a front over the study index:
// opening lists the study (or takes a listing or an index already made) and chooses subjects; planning
// reads the index; saving hands the plan to the saver.
import type { S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError } from '../errors/index.ts';
import type { DownloadOptions, DownloadPlan } from '../plan/index.ts';
import { clientInfo, createS3Client } from '../s3/client.ts';
import { joinKey, normalisePrefix } from '../s3/keys.ts';
import { listSubjects } from '../s3/list-subjects.ts';
import { getObjectText } from '../s3/object.ts';
import { listTopLevel } from '../s3/top-level.ts';
import type { ObjectInfo, StudyListing } from '../s3/types.ts';
import type { DirectoryTarget, DownloadControl, DownloadReport } from '../save/types.ts';
import { drawSeed, selectSubjects, validateSeed, type SubjectsSpec } from '../select/index.ts';
import { parseParticipants } from '../tsv/index.ts';
import { downloadPlan, planOnDisk } from './download.ts';
import { loadGlobMatcher, resolveOptions } from './filters.ts';
import type { Flavour, SubjectKeys } from './layout.ts';
import { StudyIndex, type StudyLayout } from './study-index.ts';

export interface OpenOptions {
  studyId?: string;
  bucket: string;
  s3Prefix: string;
  /** undefined: one random subject; n: n random; positions; 'all'; ids (docs/contract.md, "Subjects"). */
  subjects?: SubjectsSpec;
  /** Ignored when `client` is given. Default true. */
  anon?: boolean;
  useParticipantsTsv?: boolean;
  randomSeed?: number;
  client?: S3Client;
  /** A whole-study listing (parallel or cached) to build from instead of listing again. */
  listing?: StudyListing;
  /** The study index of such a listing, already built: nothing is listed or indexed again. */
  index?: StudyIndex;
  /** Parallel listing requests. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** What a study is made of, once listed and its subjects chosen. */
export interface StudyInit {
  studyId: string;
  client: S3Client;
  anon: boolean;
  useParticipantsTsv: boolean;
  randomSeed: number;
  allSubjects: string[];
  /** The chosen subject ids, sorted. */
  chosen: string[];
  index: StudyIndex;
  /** participants.tsv ids with no object on S3 (only with useParticipantsTsv). */
  subjectsWithoutData: string[];
}

/** A single study subject hosted on S3 (pyAFQ `S3BIDSSubject`). */
export class S3BIDSSubject {
  readonly subjectId: string;
  readonly study: S3BIDSStudy;
  /** S3 keys of this subject: raw data, and derivatives per pipeline. */
  readonly s3Keys: SubjectKeys;
  /** Local paths written by the last download, by key (pyAFQ `files`); undefined before one. */
  files: Record<string, string> | undefined;

  constructor(subjectId: string, study: S3BIDSStudy, s3Keys: SubjectKeys) {
    this.subjectId = subjectId;
    this.study = study;
    this.s3Keys = s3Keys;
  }

  /** Whether any object on S3 belongs to this subject (participants.tsv may list subjects without data). */
  get hasData(): boolean {
    return this.s3Keys.raw.length > 0 || Object.values(this.s3Keys.derivatives).some((k) => k.length > 0);
  }

  /** What `download` would do: this subject's files only (no top-level files), as pyAFQ's subject download. */
  plan(opts: DownloadOptions = {}, dir?: DirectoryTarget): Promise<DownloadPlan> {
    return planFor(this.study, [this], opts, 'subject', dir);
  }

  download(dir: DirectoryTarget, opts: DownloadOptions = {}, ctl: DownloadControl = {}): Promise<DownloadReport> {
    return downloadFor(this.study, [this], dir, opts, 'subject', ctl);
  }

  toString(): string {
    return `${this.constructor.name}(subject_id=${this.subjectId}, study_id=${this.study.studyId})`;
  }
}

/** A BIDS study hosted on S3 (pyAFQ `S3BIDSStudy`). Make one with `S3BIDSStudy.open`. */
export class S3BIDSStudy {
  readonly studyId: string;
  readonly bucket: string;
  /** Normalised: no leading or trailing `/`. */
  readonly s3Prefix: string;
  readonly client: S3Client;
  readonly anon: boolean;
  /** 'bids', or 'hbn' for an `HBNSite`. */
  readonly flavour: Flavour;
  readonly useParticipantsTsv: boolean;
  /** The seed actually used (drawn when none was given), so the choice can be repeated. */
  readonly randomSeed: number;
  /** Every subject of the study, sorted by code point. */
  readonly allSubjects: string[];
  /** The chosen subjects, sorted by subject id. */
  readonly subjects: S3BIDSSubject[];
  /** Pipeline names (`afq`, not a path). */
  readonly derivativeTypes: string[];
  /** Keys that are not in subject folders: top-level entries (folders end with `/`), and files inside pipeline folders. */
  readonly nonSubS3Keys: { raw: string[]; derivatives: string[] };
  readonly topLevelFiles: ObjectInfo[];
  readonly pipelineFiles: ObjectInfo[];
  readonly subjectsWithoutData: string[];
  /** Folders this study has been downloaded into (pyAFQ `local_directories`). */
  readonly localDirectories: DirectoryTarget[] = [];
  /** What the listing says about the study; plans for other choices of subjects come from it. */
  readonly index: StudyIndex;

  protected constructor(init: StudyInit) {
    const { index } = init;
    this.studyId = init.studyId;
    this.bucket = index.bucket;
    this.s3Prefix = index.prefix;
    this.client = init.client;
    this.anon = init.anon;
    this.flavour = index.flavour;
    this.useParticipantsTsv = init.useParticipantsTsv;
    this.randomSeed = init.randomSeed;
    this.allSubjects = init.allSubjects;
    this.index = index;
    this.derivativeTypes = [...index.pipelineNames];
    this.topLevelFiles = [...index.topLevelFiles];
    this.pipelineFiles = [...index.pipelineFiles];
    this.subjectsWithoutData = init.subjectsWithoutData;
    this.nonSubS3Keys = {
      raw: index.topLevel.other.filter((n) => n !== 'derivatives/').map((n) => joinKey(index.prefix, n)),
      derivatives: this.pipelineFiles.map((o) => o.key),
    };
    this.subjects = init.chosen.map((id) => this.makeSubject(id, index.keysOf(id)));
  }

  /** Lists the study and chooses its subjects. */
  static async open(opts: OpenOptions): Promise<S3BIDSStudy> {
    return new S3BIDSStudy(await loadStudy(opts, { flavour: 'bids' }));
  }

  /** Makes the subject objects; HBN makes `HBNSubject`s. */
  protected makeSubject(id: string, keys: SubjectKeys): S3BIDSSubject {
    return new S3BIDSSubject(id, this, keys);
  }

  /** What `download` would do: no writes. With `dir`, entries say what is already on disk. */
  plan(opts: DownloadOptions = {}, dir?: DirectoryTarget): Promise<DownloadPlan> {
    return planFor(this, this.subjects, opts, 'study', dir);
  }

  /** Saves the chosen subjects' files into `dir`, streamed, resumable (docs/contract.md, "Overwrite, skip, resume, verify"). */
  download(dir: DirectoryTarget, opts: DownloadOptions = {}, ctl: DownloadControl = {}): Promise<DownloadReport> {
    return downloadFor(this, this.subjects, dir, opts, 'study', ctl);
  }

  toString(): string {
    return `${this.constructor.name}(study_id=${this.studyId}, bucket=${this.bucket}, s3_prefix=${this.s3Prefix})`;
  }
}

// Study and subject downloads share these; they read only what the study shows publicly.
async function planFor(
  study: S3BIDSStudy,
  subjects: readonly S3BIDSSubject[],
  opts: DownloadOptions,
  scope: 'study' | 'subject',
  dir?: DirectoryTarget,
): Promise<DownloadPlan> {
  if (opts.include?.length || opts.exclude?.length) await loadGlobMatcher();
  const plan = await study.index.planSliced(
    subjects.map((s) => s.subjectId),
    opts,
    scope,
  );
  return dir === undefined ? plan : planOnDisk(plan, dir, resolveOptions(opts, study.flavour).overwrite);
}

async function downloadFor(
  study: S3BIDSStudy,
  subjects: readonly S3BIDSSubject[],
  dir: DirectoryTarget,
  opts: DownloadOptions,
  scope: 'study' | 'subject',
  ctl: DownloadControl,
): Promise<DownloadReport> {
  const plan = await planFor(study, subjects, opts, scope, dir);
  const { index } = study;
  const report = await downloadPlan(
    {
      client: study.client,
      studyId: study.studyId,
      ...(index.site !== undefined ? { site: index.site } : {}),
      selection: study.subjects.map((s) => s.subjectId),
      seed: study.randomSeed,
    },
    plan,
    dir,
    opts,
    ctl,
  );
  if (!study.localDirectories.includes(dir)) study.localDirectories.push(dir);
  const written = new Set(report.entries.filter((e) => e.status === 'downloaded' || e.status === 'skipped').map((e) => e.localPath));
  const owner = (key: string) => {
    const p = index.place(key);
    return p && (p.kind === 'raw' || p.kind === 'derivative') ? p.subject : undefined;
  };
  for (const s of subjects) {
    const files: Record<string, string> = {};
    for (const e of plan.entries) if (e.key && written.has(e.localPath) && owner(e.key) === s.subjectId) files[e.key] = e.localPath;
    s.files = files;
  }
  return report;
}

function uniqueKeys(lists: readonly (readonly ObjectInfo[])[]): ObjectInfo[] {
  const seen = new Set<string>();
  const out: ObjectInfo[] = [];
  for (const l of lists) for (const o of l) if (!seen.has(o.key)) (seen.add(o.key), out.push(o));
  return out;
}

/** Lists a study (or reads the listing or index given) and applies pyAFQ's selection rules; shared by BIDS studies and HBN sites. */
export async function loadStudy(opts: OpenOptions, layout: StudyLayout): Promise<StudyInit> {
  if (typeof opts.bucket !== 'string' || opts.bucket === '') throw new S3BIDSError('InvalidOption', 'A bucket name is required.');
  if (typeof opts.s3Prefix !== 'string') throw new S3BIDSError('InvalidOption', 's3Prefix must be a string ("" for the bucket root).');
  const { flavour } = layout;
  const prefix = normalisePrefix(opts.s3Prefix);
  const anon = opts.client ? true : (opts.anon ?? true);
  const client = opts.client ?? createS3Client({ anon });
  const where = `s3://${opts.bucket}/${prefix}`;
  const sig = opts.signal ? { signal: opts.signal } : {};

  const given = opts.index ?? opts.listing;
  if (given && (given.bucket !== opts.bucket || normalisePrefix(given.prefix) !== prefix))
    throw new S3BIDSError('InvalidOption', `The ${opts.index ? 'index' : 'listing'} given is of s3://${given.bucket}/${given.prefix}, not ${where}.`);
  if (opts.index && (!opts.index.complete || opts.index.flavour !== flavour || opts.index.site !== (layout.flavour === 'hbn' ? layout.site : undefined)))
    throw new S3BIDSError('InvalidOption', `The index given is not a whole-study index of ${where} in the ${flavour === 'hbn' ? 'HBN' : 'BIDS'} layout.`);
  // In slices: a browser tab stays responsive while a study of tens of thousands of keys is indexed.
  let index = opts.index ?? (opts.listing ? await StudyIndex.fromListingSliced(opts.listing, layout, sig) : undefined);
  const top = index ? index.topLevel : await listTopLevel(client, opts.bucket, prefix, opts.signal);

  const hasDescription = top.files.some((o) => o.key === joinKey(prefix, 'dataset_description.json'));
  if (top.subjects.length === 0 && !hasDescription && flavour === 'bids') {
    const empty = top.other.length === 0;
    throw new S3BIDSError(
      'NotBIDS',
      empty
        ? `Nothing was found under ${where}. Check the bucket and prefix.`
        : `${where} is not a BIDS study: it has no sub-* folders and no dataset_description.json.`,
    );
  }
  if (top.subjects.length === 0 && flavour === 'hbn' && top.other.length === 0)
    throw new S3BIDSError('NotBIDS', `Nothing was found under ${where}. Check the site name, bucket and prefix.`);

  let allSubjects = top.subjects;
  let subjectsWithoutData: string[] = [];
  const useTsv = opts.useParticipantsTsv ?? false;
  if (useTsv) {
    const tsvKey = joinKey(prefix, 'participants.tsv');
    let text: string;
    try {
      text = await getObjectText(client, opts.bucket, tsvKey, sig);
    } catch (e) {
      if (e instanceof S3BIDSError && e.code === 'NotFound')
        throw new S3BIDSError('NoParticipantsTsv', `${where} has no participants.tsv; open it without useParticipantsTsv.`, { cause: e });
      throw e;
    }
    // pyAFQ bug 4 fixed: the file is tab-separated (BIDS), not comma-separated.
    allSubjects = parseParticipants(text).ids;
    const listed = new Set(top.subjects);
    subjectsWithoutData = allSubjects.filter((id) => !listed.has(id));
  }

  // A study with a description and no subjects opens with none; choosing from it is an error.
  const selection =
    allSubjects.length === 0 && opts.subjects === undefined
      ? { subjects: [], seed: opts.randomSeed === undefined ? drawSeed() : validateSeed(opts.randomSeed) }
      : selectSubjects(allSubjects, opts.subjects, opts.randomSeed);
  const chosen = selection.subjects;

  if (!index) {
    const got = await listSubjects(client, opts.bucket, prefix, flavour, top, chosen, {
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...sig,
    });
    index = StudyIndex.fromParts(
      {
        bucket: opts.bucket,
        prefix,
        top,
        keys: uniqueKeys([top.files, got.pipelineFiles, got.keys]),
        pipelines: got.pipelines,
        pipelineFiles: got.pipelineFiles,
        complete: false,
      },
      layout,
    );
  }
  return {
    studyId: opts.studyId ?? (prefix.split('/').pop() || opts.bucket),
    client,
    anon: opts.client ? isAnon(opts.client) : anon,
    useParticipantsTsv: useTsv,
    randomSeed: selection.seed,
    allSubjects,
    chosen,
    index,
    subjectsWithoutData,
  };
}

function isAnon(client: S3Client): boolean {
  try {
    return clientInfo(client).anon;
  } catch {
    return false;
  }
}
