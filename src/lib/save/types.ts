/**
 * What the saver needs of a folder. Implemented over a Node path, a browser FileSystemDirectoryHandle
 * (the user's pick, or OPFS in tests) and a streamed ZIP. Paths are relative, `/`-separated.
 */
export interface SaveTarget {
  readonly kind: 'node' | 'directory-handle' | 'zip';
  /** Size of an existing file, or undefined when there is none. */
  stat(path: string): Promise<{ size: number } | undefined>;
  /** A file's text, or undefined when there is no file there (nothing, or a folder); other failures throw. */
  readText(path: string): Promise<string | undefined>;
  /** Writes a small file whole (manifest, generated JSON); replaces it only once fully written. */
  writeText(path: string, text: string): Promise<void>;
  /** A stream into `path` (parents created); `append` keeps existing bytes, for resuming. */
  openWrite(path: string, opts: { append: boolean }): Promise<WritableStream<Uint8Array>>;
  /** Renames a complete file into place, replacing what is there. */
  move(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Reads a file back as a stream (hashing a partial file before resuming it). */
  openRead?(path: string): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Called once when a run ends (a ZIP writes its central directory). */
  finish?(): Promise<void>;
  /** Writes must happen one file at a time (a ZIP stream). */
  readonly sequential?: boolean;
}

/** A Node folder path, a browser directory handle, or any SaveTarget. */
export type DirectoryTarget = string | FileSystemDirectoryHandle | SaveTarget;

export interface ActiveTransfer {
  localPath: string;
  bytesDone: number;
  size: number;
}

export interface DownloadProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesSkipped: number;
  filesFailed: number;
  filesTotal: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Undefined until a rate is known. */
  etaSeconds: number | undefined;
  active: ActiveTransfer[];
}

export interface DownloadControl {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

/**
 * How a downloaded file was checked beyond its size: MD5 against a plain ETag, or a whole-object checksum
 * S3 keeps; `size` when neither was possible (multipart, SSE-KMS or SSE-C ETags and no checksum) or
 * verification was off (docs/contract.md, "Overwrite, skip, resume, verify").
 */
export type VerifyMethod = 'md5' | 'sha256' | 'sha1' | 'crc64nvme' | 'crc32c' | 'crc32' | 'size';

export type EntryStatus = 'downloaded' | 'skipped' | 'failed' | 'generated' | 'refused' | 'aborted';

export interface DownloadReport {
  downloaded: number;
  skipped: number;
  failed: { key: string; localPath: string; reason: string }[];
  bytes: number;
  aborted: boolean;
  /** Why the run stopped starting files before the end (the folder filled up, lost access, or vanished). */
  stopped?: string;
  /** Whether checksums were asked for (the `verify` option); without it every file is checked by size only. */
  verify: boolean;
  /** Files downloaded in this run, by how they were checked. */
  verifiedBy: Partial<Record<VerifyMethod, number>>;
  entries: { localPath: string; action: string; status: EntryStatus; verifiedBy?: VerifyMethod }[];
  /**
   * Files written by this run (downloaded and generated) and their planned sizes. With `alreadyThere`
   * and the failed ones this adds up to the plan's total; `bytes` is what came over the network, less
   * when partial files were resumed.
   */
  saved: { files: number; bytes: number };
  /** Files found complete in the folder (skipped), and their sizes. */
  alreadyThere: { files: number; bytes: number };
}
