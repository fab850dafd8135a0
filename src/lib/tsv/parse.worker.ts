// Parses participants.tsv off the page's thread (see off-thread.ts): posts progress, then the table or the error.
import { S3BIDSError } from '../errors/index.ts';
import { parseParticipants } from './parse.ts';
import type { WorkerReply, WorkerRequest } from './off-thread.ts';

const post = (m: WorkerReply) => (self as unknown as { postMessage(m: WorkerReply): void }).postMessage(m);

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const { text, sidecar, missing } = e.data;
  let last = -1;
  try {
    const table = parseParticipants(text, sidecar, {
      missing,
      onProgress: (f) => {
        // A message per percent is plenty.
        const pct = Math.floor(f * 100);
        if (pct > last) post({ type: 'progress', fraction: f }), (last = pct);
      },
    });
    post({ type: 'done', table });
  } catch (err) {
    post({ type: 'error', code: err instanceof S3BIDSError ? err.code : undefined, message: err instanceof Error ? err.message : String(err) });
  }
};
