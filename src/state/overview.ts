// Figures for the study overview, computed from a listing. Pure, so tested in Node.
import type { StudyListing } from '../lib/index.ts';

export interface PipelineInfo {
  name: string;
  /** From derivatives/<name>/dataset_description.json: GeneratedBy, or the older PipelineDescription. */
  generatedBy?: string;
  version?: string;
  description?: string;
  files: number;
  bytes: number;
}

export interface Overview {
  subjects: number;
  sessions: number;
  files: number;
  bytes: number;
}

const SESSION = /^(sub-[A-Za-z0-9]+)\/(ses-[A-Za-z0-9]+)\//;

/** Counts subjects (given), sessions (distinct sub/ses folder pairs in raw data), files and bytes of a listing. */
export function overviewOf(listing: StudyListing, subjects: readonly string[]): Overview {
  const base = listing.prefix ? listing.prefix + '/' : '';
  const sessions = new Set<string>();
  let bytes = 0;
  for (const o of listing.keys) {
    bytes += o.size;
    const m = SESSION.exec(o.key.slice(base.length));
    if (m) sessions.add(`${m[1]}/${m[2]}`);
  }
  return { subjects: subjects.length, sessions: sessions.size, files: listing.keys.length, bytes };
}

/** Files and bytes under each pipeline, for BIDS (`derivatives/<P>/…`) or HBN (`derivatives/<sub>/<P>/…`). */
export function pipelineTotals(listing: StudyListing, pipelines: readonly string[], flavour: 'bids' | 'hbn'): PipelineInfo[] {
  const base = (listing.prefix ? listing.prefix + '/' : '') + 'derivatives/';
  const totals = new Map(pipelines.map((p) => [p, { name: p, files: 0, bytes: 0 } as PipelineInfo]));
  for (const o of listing.keys) {
    if (!o.key.startsWith(base)) continue;
    const parts = o.key.slice(base.length).split('/');
    const name = flavour === 'hbn' ? (parts.length > 2 ? parts[1] : undefined) : parts.length > 1 ? parts[0] : undefined;
    const t = name === undefined ? undefined : totals.get(name);
    if (t) {
      t.files++;
      t.bytes += o.size;
    }
  }
  return [...totals.values()];
}

/** Reads who made a pipeline from its dataset_description.json (BIDS 1.4+ GeneratedBy, or PipelineDescription). */
export function describePipeline(json: unknown): Pick<PipelineInfo, 'generatedBy' | 'version' | 'description'> {
  if (!json || typeof json !== 'object') return {};
  const d = json as Record<string, unknown>;
  const first = Array.isArray(d.GeneratedBy) ? d.GeneratedBy[0] : undefined;
  const src = (first && typeof first === 'object' ? first : d.PipelineDescription) as Record<string, unknown> | undefined;
  const out: Pick<PipelineInfo, 'generatedBy' | 'version' | 'description'> = {};
  if (src && typeof src.Name === 'string') out.generatedBy = src.Name;
  if (src && typeof src.Version === 'string') out.version = src.Version;
  if (typeof d.Name === 'string') out.description = d.Name;
  return out;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
/** Bytes in decimal units, as file managers and S3 consoles show them. */
export function formatBytes(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${UNITS[i]}`;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
