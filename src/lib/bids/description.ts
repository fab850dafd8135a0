// A dataset's own words: dataset_description.json's fields as BIDS defines them (BIDS specification,
// "Dataset description"), read leniently (a wrong type drops the field, never the study), and the
// citation a user copies. Plain data only: README and CHANGES stay plain text, never HTML.

export interface DatasetDescription {
  name?: string;
  bidsVersion?: string;
  datasetType?: string;
  license?: string;
  authors: string[];
  doi?: string;
  howToAcknowledge?: string;
  funding: string[];
  referencesAndLinks: string[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap((x) => (text(x) ? [text(x)!] : [])) : text(v) ? [text(v)!] : []);

/** The fields of a parsed dataset_description.json (anything else gives an empty description). */
export function parseDatasetDescription(json: unknown): DatasetDescription {
  const d = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const out: DatasetDescription = { authors: texts(d.Authors), funding: texts(d.Funding), referencesAndLinks: texts(d.ReferencesAndLinks) };
  const set = (k: 'name' | 'bidsVersion' | 'datasetType' | 'license' | 'doi' | 'howToAcknowledge', v: unknown) => {
    const t = text(v);
    if (t) out[k] = t;
  };
  set('name', d.Name);
  set('bidsVersion', d.BIDSVersion);
  set('datasetType', d.DatasetType);
  set('license', d.License);
  set('doi', d.DatasetDOI);
  set('howToAcknowledge', d.HowToAcknowledge);
  return out;
}

/** A DOI as a link: `doi:10.1/x`, `10.1/x` or a doi.org URL all become `https://doi.org/10.1/x`. */
export function doiUrl(doi: string): string | undefined {
  const m = /(?:^doi:|doi\.org\/|^)(10\.\d+\/\S+)$/i.exec(doi.trim());
  return m ? `https://doi.org/${m[1]}` : undefined;
}

/**
 * What to paste into a paper: authors, name, DOI and the dataset's own acknowledgement request, then the
 * location it was read from.
 */
export function citation(d: DatasetDescription, location: string): string {
  const who = d.authors.length ? `${d.authors.join(', ')}. ` : '';
  const what = d.name ?? 'BIDS dataset';
  const doi = d.doi ? ` ${doiUrl(d.doi) ?? d.doi}` : '';
  const lines = [`${who}${what}.${doi}`.trim(), `Data: ${location}`];
  if (d.howToAcknowledge) lines.push(d.howToAcknowledge);
  return lines.join('\n');
}

/** Plain text read with a size cap: what is shown, and whether the file was longer. */
export interface CappedText {
  text: string;
  truncated: boolean;
}

/** Bytes of README or CHANGES read at most: enough for any real one, bounded for a stray huge file. */
export const TEXT_CAP_BYTES = 64 * 1024;

/** Who made a pipeline, from its dataset_description.json (BIDS 1.4+ `GeneratedBy`, or the older `PipelineDescription`). */
export interface PipelineDescription {
  generatedBy?: string;
  version?: string;
  /** The description's `Name`. */
  description?: string;
}

/** Reads who made a pipeline from its dataset_description.json; anything unexpected gives an empty description. */
export function describePipeline(json: unknown): PipelineDescription {
  if (!json || typeof json !== 'object') return {};
  const d = json as Record<string, unknown>;
  const first = Array.isArray(d.GeneratedBy) ? d.GeneratedBy[0] : undefined;
  const src = (first && typeof first === 'object' ? first : d.PipelineDescription) as Record<string, unknown> | undefined;
  const out: PipelineDescription = {};
  if (src && typeof src.Name === 'string') out.generatedBy = src.Name;
  if (src && typeof src.Version === 'string') out.version = src.Version;
  if (typeof d.Name === 'string') out.description = d.Name;
  return out;
}
