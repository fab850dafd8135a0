// A streamed ZIP for browsers without showDirectoryPicker (Firefox, Safari): files go into the archive
// one after another as they arrive; nothing is gathered here. client-zip writes Zip64, so the format
// has no 4 GB limit; the limit is the browser's: without showSaveFilePicker, browser-fs-access must turn
// the stream into a Blob before offering it as a download, which those browsers hold in memory or a
// temporary file. 2 GiB is what we promise there; larger selections should use the script export.
import { downloadZip } from 'client-zip';
import { S3BIDSError } from '../errors/index.ts';
import { MANIFEST_PATH, PARTIAL_DIR } from './app-folder.ts';
import type { SaveTarget } from './types.ts';

export const ZIP_LIMIT_BYTES = 2 * 1024 ** 3;

type ZipInput = { name: string; input: ReadableStream<Uint8Array> | string; lastModified: Date };

/** An async queue the ZIP writer pulls entries from. */
class Channel<T> {
  #items: T[] = [];
  #wait: (() => void) | undefined;
  #closed = false;
  push(v: T) {
    this.#items.push(v);
    this.#wait?.();
  }
  close() {
    this.#closed = true;
    this.#wait?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const v = this.#items.shift();
      if (v !== undefined) yield v;
      else if (this.#closed) return;
      else await new Promise<void>((r) => (this.#wait = r));
    }
  }
}

interface Entry {
  name: string;
  bytes: number;
  started: boolean;
  stream: TransformStream<Uint8Array, Uint8Array>;
  writer: WritableStreamDefaultWriter<Uint8Array>;
}

const zipError = (msg: string, cause?: unknown) => new S3BIDSError('Storage', msg, { cause });

/**
 * A SaveTarget that streams a ZIP to `save` (which must start reading the Response at once).
 * Writes are sequential; a file resumed after a network error continues its entry. A file that must be
 * rewritten (its object changed) cannot be: its entry is reported failed and may be incomplete.
 */
export function zipTarget(save: (zip: Response) => Promise<unknown>): SaveTarget {
  const channel = new Channel<ZipInput>();
  const done = new Map<string, number>();
  let current: Entry | undefined;
  let manifestText: string | undefined;
  let failure: unknown;
  const saving = save(downloadZip(channel)).catch((e: unknown) => {
    failure = e;
    void current?.writer.abort(e).catch(() => undefined);
    throw e;
  });
  saving.catch(() => undefined);
  const nameOf = (path: string) => (path.startsWith(PARTIAL_DIR + '/') ? path.slice(PARTIAL_DIR.length + 1) : path);
  const check = () => {
    if (failure !== undefined) throw zipError('The ZIP could not be saved (the save was cancelled or failed).', failure);
  };

  return {
    kind: 'zip',
    sequential: true,
    async stat(path) {
      if (path.startsWith(PARTIAL_DIR + '/')) return current?.name === nameOf(path) ? { size: current.bytes } : undefined;
      const n = done.get(path);
      return n === undefined ? undefined : { size: n };
    },
    async readText(path) {
      return path === MANIFEST_PATH ? manifestText : undefined;
    },
    async writeText(path, text) {
      check();
      // The manifest changes during the run: only its last state goes into the archive.
      if (path === MANIFEST_PATH) manifestText = text;
      else {
        channel.push({ name: path, input: text, lastModified: new Date() });
        done.set(path, new TextEncoder().encode(text).length);
      }
    },
    async openWrite(path, { append }) {
      check();
      const name = nameOf(path);
      if (!(append && current?.name === name)) {
        if (current && current.bytes > 0) throw zipError(`"${current.name}" was left unfinished in the ZIP.`);
        const stream = new TransformStream<Uint8Array, Uint8Array>();
        current = { name, bytes: 0, started: false, stream, writer: stream.writable.getWriter() };
      }
      const entry = current!;
      return new WritableStream<Uint8Array>({
        write(chunk) {
          check();
          // The entry enters the archive with its first byte, so an empty failed attempt leaves no trace.
          if (!entry.started) {
            entry.started = true;
            channel.push({ name: entry.name, input: entry.stream.readable, lastModified: new Date() });
          }
          entry.bytes += chunk.byteLength;
          return entry.writer.write(chunk);
        },
        // Closing the writer is not the end of the entry: a resumed attempt continues it.
        close() {},
        abort() {},
      });
    },
    async move(from, to) {
      const name = nameOf(from);
      if (name !== to || current?.name !== name) throw zipError(`Cannot rename "${from}" inside a ZIP.`);
      if (!current.started) channel.push({ name, input: current.stream.readable, lastModified: new Date() });
      await current.writer.close();
      done.set(to, current.bytes);
      current = undefined;
    },
    async remove(path) {
      const name = nameOf(path);
      if (current?.name !== name) return;
      if (current.bytes > 0) throw zipError(`"${name}" changed while it was being added to the ZIP and cannot be rewritten; save it again.`);
      current = undefined;
    },
    async finish() {
      if (current?.started) await current.writer.close().catch(() => undefined);
      current = undefined;
      if (manifestText !== undefined && failure === undefined) channel.push({ name: MANIFEST_PATH, input: manifestText, lastModified: new Date() });
      channel.close();
      await saving;
    },
  };
}

/** A ZIP saved through browser-fs-access (a save dialog where the browser has one, else a download). */
export async function zipFileTarget(fileName: string): Promise<SaveTarget> {
  const { fileSave } = await import('browser-fs-access');
  return zipTarget((zip) => fileSave(zip, { fileName, extensions: ['.zip'], mimeTypes: ['application/zip'] }));
}
