import type { S3Client } from '@aws-sdk/client-s3';
import { S3BIDSError } from '../errors/index.ts';
import { clientInfo, createS3Client } from '../s3/client.ts';
import { getObjectText } from '../s3/object.ts';
import type { ObjectInfo, StudyListing } from '../s3/types.ts';
import { drawSeed, selectSubjects, validateSeed, type SubjectsSpec } from '../select/index.ts';
import { parseParticipants } from '../tsv/index.ts';
import type { DirectoryTarget, DownloadControl, DownloadReport } from '../save/types.ts';
import { resolveOptions } from './filters.ts';
import { assignKeys, pipelineFiles, pipelinesIn, type Flavour, type SubjectKeys } from './layout.ts';
import { listTopLevel, topLevelFromListing, type TopLevel } from '../s3/top-level.ts';
import { listSubjects } from '../s3/list-subjects.ts';
import { joinKey, normalisePrefix } from '../s3/keys.ts';
import { buildPlan } from './plan.ts';
import { S3BIDSSubject } from './subject.ts';
import type { DownloadOptions, DownloadPlan, PlanEntry } from '../plan/index.ts';
import { downloadPlan, planOnDisk } from './download.ts';

export interface OpenOptions {
  studyId?: string;
  bucket: string;
  s3Prefix: string;
  /** undefined: one random subject; n: n random; positions; 'all'; ids (SPEC §3.1). */
  subjects?: SubjectsSpec;
  /** Ignored when `client` is given. Default true. */
  anon?: boolean;
  useParticipantsTsv?: boolean;
  randomSeed?: number;
  client?: S3Client;
  /** A whole-study listing (parallel or cached) to build from instead of listing again. */
  listing?: StudyListing;
  /** Parallel listing requests. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** What a study is made of, once listed. */
export interface StudyInit {
  studyId: string;
  bucket: string;
  s3Prefix: string;
  client: S3Client;
  anon: boolean;
  flavour: Flavour;
  useParticipantsTsv: boolean;
  randomSeed: number;
  allSubjects: string[];
  top: TopLevel;
  derivativeTypes: string[];
  pipelineFiles: ObjectInfo[];
  keys: Map<string, SubjectKeys>;
  /** participants.tsv ids with no object on S3 (only with useParticipantsTsv). */
  subjectsWithoutData: string[];
  /** Passed to subclasses. */
  extra?: Record<string, unknown>;
}

/** A BIDS study hosted on S3 (pyAFQ `S3BIDSStudy`). Make one with `S3BIDSStudy.open`. */
export class S3BIDSStudy {
  readonly studyId: string;
  readonly bucket: string;
  /** Normalised: no leading or trailing `/`. */
  readonly s3Prefix: string;
  readonly client: S3Client;
  readonly anon: boolean;
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

  protected constructor(init: StudyInit) {
    this.studyId = init.studyId;
    this.bucket = init.bucket;
    this.s3Prefix = init.s3Prefix;
    this.client = init.client;
    this.anon = init.anon;
    this.flavour = init.flavour;
    this.useParticipantsTsv = init.useParticipantsTsv;
    this.randomSeed = init.randomSeed;
    this.allSubjects = init.allSubjects;
    this.derivativeTypes = init.derivativeTypes;
    this.topLevelFiles = init.top.files;
    this.pipelineFiles = init.pipelineFiles;
    this.subjectsWithoutData = init.subjectsWithoutData;
    this.nonSubS3Keys = {
      raw: init.top.other.filter((n) => n !== 'derivatives/').map((n) => joinKey(init.s3Prefix, n)),
      derivatives: init.pipelineFiles.map((o) => o.key),
    };
    this.subjects = [...init.keys.entries()].map(([id, keys]) => this.makeSubject(id, keys));
  }

  /** Lists the study and chooses its subjects. */
  static async open(opts: OpenOptions): Promise<S3BIDSStudy> {
    return new S3BIDSStudy(await loadStudy(opts, 'bids'));
  }

  protected makeSubject(id: string, keys: SubjectKeys): S3BIDSSubject {
    return new S3BIDSSubject(id, this, keys);
  }

  /** Files the app writes itself; HBN writes a dataset_description.json. */
  protected generatedEntries(_subjects: readonly S3BIDSSubject[]): PlanEntry[] {
    return [];
  }

  /** What `download` would do (SPEC §2): no writes. With `dir`, entries say what is already on disk. */
  plan(opts: DownloadOptions = {}, dir?: DirectoryTarget): Promise<DownloadPlan> {
    return this.planFor(this.subjects, opts, 'study', dir);
  }

  /** Saves the chosen subjects' files into `dir`, streamed, resumable (SPEC §3.5). */
  download(dir: DirectoryTarget, opts: DownloadOptions = {}, ctl: DownloadControl = {}): Promise<DownloadReport> {
    return this.downloadFor(this.subjects, dir, opts, 'study', ctl);
  }

  /** @internal shared by study and subject downloads. */
  async planFor(
    subjects: readonly S3BIDSSubject[],
    opts: DownloadOptions,
    scope: 'study' | 'subject',
    dir?: DirectoryTarget,
  ): Promise<DownloadPlan> {
    const resolved = resolveOptions(opts, this.flavour);
    const plan = buildPlan(
      {
        bucket: this.bucket,
        prefix: this.s3Prefix,
        topLevelFiles: this.topLevelFiles,
        pipelineFiles: this.pipelineFiles,
        derivativeTypes: this.derivativeTypes,
        generated: scope === 'study' ? this.generatedEntries(subjects) : [],
      },
      subjects.map((s) => s.s3Keys),
      resolved,
      scope,
    );
    return dir === undefined ? plan : planOnDisk(plan, dir, resolved.overwrite);
  }

  /** @internal */
  async downloadFor(
    subjects: readonly S3BIDSSubject[],
    dir: DirectoryTarget,
    opts: DownloadOptions,
    scope: 'study' | 'subject',
    ctl: DownloadControl,
  ): Promise<DownloadReport> {
    const plan = await this.planFor(subjects, opts, scope, dir);
    const report = await downloadPlan(this, plan, dir, opts, ctl);
    if (!this.localDirectories.includes(dir)) this.localDirectories.push(dir);
    const written = new Map(report.entries.filter((e) => e.status === 'downloaded' || e.status === 'skipped').map((e) => [e.localPath, e]));
    for (const s of subjects) {
      const files: Record<string, string> = {};
      for (const e of plan.entries) if (e.key && written.has(e.localPath) && ownsKey(s, e.key)) files[e.key] = e.localPath;
      s.files = files;
    }
    return report;
  }

  toString(): string {
    return `${this.constructor.name}(study_id=${this.studyId}, bucket=${this.bucket}, s3_prefix=${this.s3Prefix})`;
  }
}

function ownsKey(s: S3BIDSSubject, key: string): boolean {
  return s.s3Keys.raw.some((o) => o.key === key) || Object.values(s.s3Keys.derivatives).some((l) => l.some((o) => o.key === key));
}

/** Lists a study and applies pyAFQ's selection rules; shared by BIDS studies and HBN sites. */
export async function loadStudy(opts: OpenOptions, flavour: Flavour, extra?: Record<string, unknown>): Promise<StudyInit> {
  if (typeof opts.bucket !== 'string' || opts.bucket === '') throw new S3BIDSError('InvalidOption', 'A bucket name is required.');
  if (typeof opts.s3Prefix !== 'string') throw new S3BIDSError('InvalidOption', 's3Prefix must be a string ("" for the bucket root).');
  const prefix = normalisePrefix(opts.s3Prefix);
  const anon = opts.client ? true : (opts.anon ?? true);
  const client = opts.client ?? createS3Client({ anon });
  const where = `s3://${opts.bucket}/${prefix}`;
  const sig = opts.signal ? { signal: opts.signal } : {};

  const listing = opts.listing;
  if (listing && (listing.bucket !== opts.bucket || normalisePrefix(listing.prefix) !== prefix))
    throw new S3BIDSError('InvalidOption', `The listing given is of s3://${listing.bucket}/${listing.prefix}, not ${where}.`);
  const top = listing ? topLevelFromListing(listing) : await listTopLevel(client, opts.bucket, prefix, opts.signal);

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

  let keys: Iterable<ObjectInfo>;
  let derivativeTypes: string[];
  let pFiles: ObjectInfo[];
  if (listing) {
    keys = listing.keys;
    derivativeTypes = pipelinesIn(listing.keys, prefix, flavour);
    pFiles = pipelineFiles(listing.keys, prefix, flavour);
  } else {
    const got = await listSubjects(client, opts.bucket, prefix, flavour, top, chosen, {
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...sig,
    });
    keys = got.keys;
    derivativeTypes = got.pipelines;
    pFiles = got.pipelineFiles;
  }
  return {
    studyId: opts.studyId ?? (prefix.split('/').pop() || opts.bucket),
    bucket: opts.bucket,
    s3Prefix: prefix,
    client,
    anon: opts.client ? isAnon(opts.client) : anon,
    flavour,
    useParticipantsTsv: useTsv,
    randomSeed: selection.seed,
    allSubjects,
    top,
    derivativeTypes,
    pipelineFiles: pFiles,
    keys: assignKeys(keys, prefix, flavour, chosen, derivativeTypes),
    subjectsWithoutData,
    ...(extra ? { extra } : {}),
  };
}

function isAnon(client: S3Client): boolean {
  try {
    return clientInfo(client).anon;
  } catch {
    return false;
  }
}
