// participants.tsv: parsing, column kinds, filters, sorting and summaries for the table and its plots.
// Depends on errors/ only.
export { parseParticipants, participantsFromIds, normaliseParticipantId } from './parse.ts';
export { parseParticipantsOffThread, OFF_THREAD_CHARS, type OffThreadOptions } from './off-thread.ts';
export { applyFilters, sortRows, flagMissing, idsOfRows, findColumn } from './query.ts';
export { summarise, niceStep } from './summarise.ts';
export { layerCounts, barLabels } from './layers.ts';
export type { SummariseOptions } from './summarise.ts';
export { parseNumber, isMissing, missingMarkersFromReadme, OTHER_MISSING } from './columns.ts';
export type {
  Cell,
  Column,
  ColumnKind,
  Row,
  TableIssue,
  ParseOptions,
  ParticipantsTable,
  Filter,
  SortDirection,
  Summary,
  NumberSummary,
  CategorySummary,
} from './types.ts';
