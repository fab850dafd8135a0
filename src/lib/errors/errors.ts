/** Machine-readable reasons a user-facing operation failed (docs/contract.md, "Engine API"). */
export type S3BIDSErrorCode =
  | 'NoSuchBucket'
  | 'AccessDenied'
  | 'InvalidBucketName'
  | 'NotFound'
  | 'NotBIDS'
  | 'NoSubjects'
  | 'UnknownSubject'
  | 'InvalidSubjects'
  | 'InvalidOption'
  /** An include/exclude glob refused because matching it could freeze the page (README, "Faults and bad input"). */
  | 'InvalidPattern'
  | 'NoParticipantsTsv'
  | 'Network'
  /** Nothing answered: offline, DNS, a refused connection (docs/real-s3.md, "Nothing answers"). */
  | 'Unreachable'
  /** S3 answered, but without CORS headers, so the page may not read why (docs/real-s3.md, "Answers without CORS"). */
  | 'NoBrowserAccess'
  | 'Throttled'
  | 'Aborted'
  | 'InvalidNifti'
  | 'InvalidJson'
  | 'UnsafePath'
  | 'Integrity'
  | 'Storage'
  | 'Locked'
  | 'CredentialsRequired';

/**
 * The one error type the engine throws. `message` is written for the person at the screen:
 * it says what happened and, where there is one, what to do next.
 */
export class S3BIDSError extends Error {
  override readonly name = 'S3BIDSError';
  readonly code: S3BIDSErrorCode;
  /** HTTP status when the failure came from S3. */
  readonly status: number | undefined;
  /** Whether trying the same request again may succeed. */
  readonly retryable: boolean;

  constructor(
    code: S3BIDSErrorCode,
    message: string,
    opts: { cause?: unknown; status?: number; retryable?: boolean } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = opts.status;
    this.retryable = opts.retryable ?? (code === 'Network' || code === 'Throttled' || code === 'Unreachable');
  }
}

export function isS3BIDSError(e: unknown, code?: S3BIDSErrorCode): e is S3BIDSError {
  return e instanceof S3BIDSError && (code === undefined || e.code === code);
}

export function abortError(): S3BIDSError {
  return new S3BIDSError('Aborted', 'Cancelled.');
}

/** Throws the engine's Aborted error when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}
