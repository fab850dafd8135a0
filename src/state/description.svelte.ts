// The open study's own words: dataset_description.json's fields, the citation to copy, and README and
// CHANGES read only when asked for (capped, plain text).
import type { S3Client } from '@aws-sdk/client-s3';
import { citation, getObjectText, parseDatasetDescription, s3JsonRead, TEXT_CAP_BYTES, type CappedText, type DatasetDescription } from '../lib/index.ts';

export type TextName = 'README' | 'CHANGES' | 'LICENSE';

export interface DescriptionSource {
  client: S3Client;
  bucket: string;
  /** s3:// location shown in the citation. */
  location: string;
  /** dataset_description.json's key, when the study has one. */
  descriptionKey?: string | undefined;
  /** README, CHANGES and LICENSE keys present at the top of the study (any extension). */
  texts: Partial<Record<TextName, string>>;
}

export class DescriptionState {
  description = $state.raw<DatasetDescription | undefined>(undefined);
  #source: DescriptionSource | undefined;
  texts = $state.raw<Partial<Record<TextName, CappedText | { error: string }>>>({});
  available = $state.raw<TextName[]>([]);
  #seq = 0;

  get citation(): string | undefined {
    return this.description && this.#source ? citation(this.description, this.#source.location) : undefined;
  }

  /** Reads dataset_description.json; the texts wait for `readText`. */
  async load(source: DescriptionSource): Promise<void> {
    const seq = ++this.#seq;
    this.#source = source;
    this.description = undefined;
    this.texts = {};
    this.available = (['README', 'CHANGES', 'LICENSE'] as const).filter((n) => source.texts[n]);
    if (!source.descriptionKey) return;
    try {
      const json = await s3JsonRead(source.client, source.bucket, source.descriptionKey);
      if (seq === this.#seq) this.description = parseDatasetDescription(json);
    } catch {
      // The study view reports a file it cannot read; the description is simply absent.
    }
  }

  forget() {
    this.#seq++;
    this.#source = undefined;
    this.description = undefined;
    this.texts = {};
    this.available = [];
  }

  /** README, CHANGES or LICENSE as plain text, at most TEXT_CAP_BYTES (read once, on first opening). */
  async readText(name: TextName): Promise<void> {
    const src = this.#source;
    const key = src?.texts[name];
    if (!src || !key || this.texts[name]) return;
    const seq = this.#seq;
    try {
      const raw = await getObjectText(src.client, src.bucket, key, { start: 0, end: TEXT_CAP_BYTES });
      if (seq !== this.#seq) return;
      const truncated = new TextEncoder().encode(raw).length > TEXT_CAP_BYTES;
      this.texts = { ...this.texts, [name]: { text: truncated ? raw.slice(0, TEXT_CAP_BYTES) : raw, truncated } };
    } catch (e) {
      if (seq === this.#seq) this.texts = { ...this.texts, [name]: { error: `${name} could not be read: ${(e as Error)?.message ?? e}` } };
    }
  }
}

/** The top-level README/CHANGES/LICENSE keys among a study's top-level files (README.md, CHANGES.txt …). */
export function textKeys(files: readonly { key: string; name: string }[]): Partial<Record<TextName, string>> {
  const out: Partial<Record<TextName, string>> = {};
  for (const n of ['README', 'CHANGES', 'LICENSE'] as const) {
    const f = files.find((x) => x.name === n) ?? files.find((x) => x.name.toUpperCase().startsWith(`${n}.`));
    if (f) out[n] = f.key;
  }
  return out;
}
