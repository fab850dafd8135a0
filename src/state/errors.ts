// Turns any failure into words for the screen, with the next step the user can take. Every title and text
// the page shows for a problem comes from the one table below (README.md, "Faults and bad input";
// docs/real-s3.md for what S3 itself answers).
import { isS3BIDSError, type S3BIDSErrorCode } from '../lib/index.ts';

/**
 * Why something did not work, as the page names it (`data-code` on the notice): the engine's error codes,
 * and the page's own: an unexpected failure, a browser without folder access, a selection too large for
 * a ZIP, nothing to export yet, a part of the page that could not load.
 */
export type ProblemCode = S3BIDSErrorCode | 'Unexpected' | 'Unsupported' | 'TooLarge' | 'NoPlan' | 'LoadFailed';

export interface Problem {
  code: ProblemCode;
  title: string;
  message: string;
  /** What the page offers next: add credentials, export a script, or try again. */
  action?: 'credentials' | 'export' | 'retry';
}

interface Entry {
  title: string;
  /** The text: the engine's message (which names the place) and, where useful, what to do next. */
  text?: (message: string) => string;
  action?: Problem['action'];
}

/** One table of plain words, by code. */
export const PROBLEM_WORDS: Partial<Record<ProblemCode, Entry>> = {
  InvalidOption: { title: 'This location cannot be read', text: (m) => m },
  InvalidPattern: { title: 'A file pattern was refused', text: (m) => `${m} Use simpler patterns under Options (include and exclude).` },
  InvalidBucketName: { title: 'Not a bucket name', text: (m) => `${m} Bucket names use lower-case letters, digits, dots and hyphens.` },
  NoSuchBucket: { title: 'No such bucket', text: (m) => `${m} Or pick a preset.` },
  AccessDenied: { title: 'Access denied', action: 'credentials' },
  NotFound: { title: 'Not found' },
  NotBIDS: { title: 'Not a BIDS study', text: (m) => `${m} Check the prefix: it should be the folder holding dataset_description.json and the sub-* folders.` },
  NoSubjects: { title: 'No subjects here' },
  Network: {
    title: 'S3 could not be read',
    text: (m) => `${m} If your connection works, the script export (AWS CLI, s5cmd or pyAFQ) can download this selection instead.`,
    action: 'retry',
  },
  Unreachable: { title: 'Cannot reach S3', text: (m) => m, action: 'retry' },
  NoBrowserAccess: {
    title: 'S3 answered, but the page may not read the answer',
    text: (m) =>
      `${m} From a web page, a bucket that does not exist, a bucket that does not allow browser access (no CORS rule) ` +
      'and a request that was denied all look the same, so the page cannot tell you which one this is. Next steps: ' +
      'check the bucket name and its prefix; if the bucket is private, add credentials under Advanced; ' +
      'if it is public but has no CORS rule, use the script export (AWS CLI, s5cmd or pyAFQ), which needs no browser access; ' +
      'or ask the bucket owner to allow GET and HEAD from any origin.',
    action: 'export',
  },
  Throttled: { title: 'S3 asked us to slow down', action: 'retry' },
  Aborted: { title: 'Cancelled' },
  Integrity: { title: 'A file did not arrive intact' },
  Storage: { title: 'The folder could not be written' },
  Locked: { title: 'Another save is using this folder' },
  CredentialsRequired: { title: 'Credentials needed', action: 'credentials' },
  UnsafePath: { title: 'A file name is not safe on this computer' },
  InvalidNifti: { title: 'Not a readable NIfTI image' },
  InvalidJson: { title: 'Not readable JSON' },
  NoParticipantsTsv: { title: 'No participants.tsv' },
  UnknownSubject: { title: 'Unknown subject' },
  InvalidSubjects: { title: 'Subjects not understood' },
  Unexpected: { title: 'Something went wrong', text: (m) => `${m}. Reload the page and try again.`, action: 'retry' },
};

export function describeProblem(e: unknown): Problem {
  const code: ProblemCode = isS3BIDSError(e) ? e.code : 'Unexpected';
  const message = e instanceof Error ? e.message : String(e);
  const entry = PROBLEM_WORDS[code] ?? { title: 'Something went wrong' };
  const problem: Problem = { code, title: entry.title, message: entry.text ? entry.text(message) : message };
  if (entry.action) problem.action = entry.action;
  return problem;
}
