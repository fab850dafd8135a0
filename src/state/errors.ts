// Turns any failure into words for the screen, with the next step the user can take.
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

export function describeProblem(e: unknown): Problem {
  if (isS3BIDSError(e)) {
    switch (e.code) {
      case 'NoSuchBucket':
        return { code: e.code, title: 'No such bucket', message: `${e.message} Or pick a preset.` };
      case 'AccessDenied':
        return { code: e.code, title: 'Access denied', message: e.message, action: 'credentials' };
      case 'Network':
        return {
          code: e.code,
          title: 'This bucket does not allow browser access',
          message:
            'The browser could not read from this bucket: either it does not allow browser access (CORS) or the network is down. ' +
            'If your connection works, use the script export (AWS CLI, s5cmd or pyAFQ) to download this selection instead.',
          action: 'export',
        };
      case 'Throttled':
        return { code: e.code, title: 'S3 asked us to slow down', message: e.message, action: 'retry' };
      case 'NotBIDS':
        return { code: e.code, title: 'Not a BIDS study', message: `${e.message} Check the prefix: it should be the folder holding sub-* folders.` };
      default:
        return { code: e.code, title: titleOf(e.code), message: e.message };
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'Unexpected', title: 'Something went wrong', message: `${message}. Reload the page and try again.`, action: 'retry' };
}

function titleOf(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}
