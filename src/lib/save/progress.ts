import type { ActiveTransfer, DownloadProgress } from './types.ts';

/** Counts bytes and files for one run and reports them, throttled, with a sliding-window rate. */
export class ProgressTracker {
  bytesTotal = 0;
  filesTotal = 0;
  filesDone = 0;
  filesSkipped = 0;
  filesFailed = 0;
  /** Bytes received from the network in this run. */
  netBytes = 0;
  #doneBytes = 0;
  #active = new Map<string, ActiveTransfer>();
  #samples: { t: number; bytes: number }[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly onProgress: ((p: DownloadProgress) => void) | undefined,
    private readonly intervalMs = 200,
    private readonly windowMs = 5000,
  ) {}

  start(): void {
    if (!this.onProgress) return;
    this.#sample();
    this.#timer = setInterval(() => this.emit(), this.intervalMs);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.emit();
  }

  begin(localPath: string, size: number, have: number): void {
    this.#active.set(localPath, { localPath, bytesDone: have, size });
  }

  /** `have` bytes of the file are now on disk (after a restart it may go down). */
  set(localPath: string, have: number): void {
    const a = this.#active.get(localPath);
    if (a) a.bytesDone = have;
  }

  received(n: number): void {
    this.netBytes += n;
  }

  end(localPath: string, outcome: 'done' | 'failed' | 'aborted', size: number): void {
    this.#active.delete(localPath);
    if (outcome === 'done') {
      this.filesDone++;
      this.#doneBytes += size;
    } else if (outcome === 'failed') this.filesFailed++;
  }

  /** A file found complete at run time: no longer active, counted as skipped. */
  skippedActive(localPath: string, size: number): void {
    this.#active.delete(localPath);
    this.skipped(size, true);
  }

  skipped(size: number, counted: boolean): void {
    this.filesSkipped++;
    // A file found complete at run time was counted in the total: it is done, not pending.
    if (counted) this.#doneBytes += size;
  }

  snapshot(): DownloadProgress {
    let bytesDone = this.#doneBytes;
    for (const a of this.#active.values()) bytesDone += a.bytesDone;
    const rate = this.#rate();
    const left = Math.max(0, this.bytesTotal - bytesDone);
    return {
      bytesDone,
      bytesTotal: this.bytesTotal,
      filesDone: this.filesDone,
      filesSkipped: this.filesSkipped,
      filesFailed: this.filesFailed,
      filesTotal: this.filesTotal,
      rate,
      etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : undefined,
      active: [...this.#active.values()].map((a) => ({ ...a })),
    };
  }

  emit(): void {
    if (!this.onProgress) return;
    this.#sample();
    try {
      this.onProgress(this.snapshot());
    } catch {
      // A listener's bug must not stop the download.
    }
  }

  #sample(): void {
    const t = performance.now();
    this.#samples.push({ t, bytes: this.netBytes });
    while (this.#samples.length > 2 && t - this.#samples[0]!.t > this.windowMs) this.#samples.shift();
  }

  #rate(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.t - first.t < 50) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }
}
