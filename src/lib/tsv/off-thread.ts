// participants.tsv files over OFF_THREAD_CHARS are parsed in a module worker, with progress, so a large
// file (or a hostile one) never freezes the page (README, "Faults and bad input"). Smaller files, and
// places without workers (Node), parse on the calling thread through the same function.
import { S3BIDSError, throwIfAborted, type S3BIDSErrorCode } from '../errors/index.ts';
import { parseParticipants } from './parse.ts';
import type { ParticipantsTable } from './types.ts';

/** About 10 MB of text. */
export const OFF_THREAD_CHARS = 10 * 1024 * 1024;

export interface WorkerRequest {
  text: string;
  sidecar: unknown;
  missing: readonly string[];
}

export type WorkerReply =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; table: ParticipantsTable }
  | { type: 'error'; code: S3BIDSErrorCode | undefined; message: string };

export interface OffThreadOptions {
  /** Markers besides `n/a` read as missing (ParseOptions.missing). */
  missing?: readonly string[];
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Parse in a worker at or above this many characters. Default OFF_THREAD_CHARS. */
  threshold?: number;
}

/** The parsed table, and whether a worker parsed it. */
export async function parseParticipantsOffThread(
  text: string,
  sidecar?: unknown,
  opts: OffThreadOptions = {},
): Promise<ParticipantsTable & { offThread: boolean }> {
  throwIfAborted(opts.signal);
  const missing = opts.missing ?? [];
  if (typeof Worker === 'undefined' || text.length < (opts.threshold ?? OFF_THREAD_CHARS)) {
    const t = parseParticipants(text, sidecar, { missing, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    return { ...t, offThread: false };
  }
  const worker = new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module', name: 'participants.tsv' });
  try {
    return await new Promise<ParticipantsTable & { offThread: boolean }>((resolve, reject) => {
      const stop = () => reject(new S3BIDSError('Aborted', 'Cancelled.'));
      opts.signal?.addEventListener('abort', stop, { once: true });
      worker.onmessage = (e: MessageEvent<WorkerReply>) => {
        const m = e.data;
        if (m.type === 'progress') opts.onProgress?.(m.fraction);
        else if (m.type === 'done') resolve({ ...m.table, offThread: true });
        else reject(m.code ? new S3BIDSError(m.code, m.message) : new Error(m.message));
      };
      worker.onerror = (e) => reject(new Error(`participants.tsv could not be parsed: ${e.message || 'the parser stopped'}`));
      const req: WorkerRequest = { text, sidecar, missing };
      worker.postMessage(req);
    });
  } finally {
    worker.terminate();
  }
}
