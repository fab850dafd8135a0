import { S3BIDSError } from '../errors/index.ts';
import { jsonErrorOffset } from './locate.ts';

/** Where in `text` a character offset falls, 1-based as editors count. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** JSON.parse with an InvalidJson error that names the file and the line and column. */
export function parseJson(text: string, where: string): unknown {
  // A UTF-8 BOM is legal in files written by some editors; JSON.parse refuses it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (e) {
    const found = jsonErrorOffset(body);
    const offset = found < 0 ? body.length : found;
    const { line, column } = lineColumn(body, offset);
    const at = offset >= body.trimEnd().length ? 'it ends too early' : `line ${line}, column ${column}`;
    throw new S3BIDSError('InvalidJson', `${where} is not valid JSON (${at}): ${(e as Error).message}`, { cause: e });
  }
}

/** A sidecar must be a JSON object (BIDS key-value metadata). */
export function parseJsonObject(text: string, where: string): Record<string, unknown> {
  const v = parseJson(text, where);
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new S3BIDSError('InvalidJson', `${where} holds ${Array.isArray(v) ? 'an array' : String(v === null ? 'null' : typeof v)}, not a JSON object.`);
  return v as Record<string, unknown>;
}

/** How we write JSON: two-space indent and a final newline, as BIDS validators and editors expect. */
export function stringifyJson(data: unknown): string {
  const text = JSON.stringify(data, null, 2);
  if (text === undefined) throw new S3BIDSError('InvalidJson', 'There is nothing to save: the value cannot be written as JSON.');
  return text + '\n';
}
