import type { DownloadControl, DownloadReport, DirectoryTarget } from '../save/types.ts';
import type { SubjectKeys } from './layout.ts';
import type { S3BIDSStudy } from './study.ts';
import type { DownloadOptions, DownloadPlan } from '../plan/index.ts';

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
    return this.study.planFor([this], opts, 'subject', dir);
  }

  download(dir: DirectoryTarget, opts: DownloadOptions = {}, ctl: DownloadControl = {}): Promise<DownloadReport> {
    return this.study.downloadFor([this], dir, opts, 'subject', ctl);
  }

  toString(): string {
    return `${this.constructor.name}(subject_id=${this.subjectId}, study_id=${this.study.studyId})`;
  }
}
