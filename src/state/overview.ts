// The overview's figures, read from the study index (src/lib/bids/study-index.ts), which counted them once
// when the listing arrived. Pure, so tested in Node.
import type { PipelineDescription, StudyIndex } from '../lib/index.ts';

export interface PipelineInfo extends PipelineDescription {
  name: string;
  files: number;
  bytes: number;
}

export interface Overview {
  subjects: number;
  sessions: number;
  files: number;
  bytes: number;
}

/** Subjects (given: the study's, or participants.tsv's), sessions, files and bytes of the study. */
export function overviewOf(index: StudyIndex, subjects: readonly string[]): Overview {
  return { subjects: subjects.length, sessions: index.sessionCount, files: index.totals.files, bytes: index.totals.bytes };
}

/** Files and bytes under each pipeline (BIDS `derivatives/<P>/…` or HBN `derivatives/<sub>/<P>/…`). */
export function pipelinesOf(index: StudyIndex): PipelineInfo[] {
  return index.pipelines.map((p) => ({ name: p.name, files: p.files, bytes: p.bytes }));
}
