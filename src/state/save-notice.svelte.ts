// What the page says about a save beyond its panel, so a long save can run in a background tab: progress
// in the tab title while it runs, and a notice when it ends (a system notification only when the user has
// already allowed them; otherwise an in-page live region, which screen readers announce).
import type { DownloadProgress, DownloadReport } from '../lib/index.ts';
import type { Problem } from './errors.ts';

/** The part of SaveState this reads. */
export interface SaveView {
  readonly running: boolean;
  readonly progress: DownloadProgress | undefined;
  readonly report: DownloadReport | undefined;
  readonly problem: Problem | undefined;
}

/** What this uses of the page: its title, and the Notification API when the browser has one. */
export interface NoticeHost {
  document: Pick<Document, 'title' | 'hidden'>;
  Notification?: { permission: string; new (title: string, opts?: { body?: string }): unknown };
}

/** The tab title while saving: percent of bytes, then the page's own title. */
export function savingTitle(progress: DownloadProgress | undefined, base: string): string {
  if (!progress || progress.bytesTotal <= 0) return `Saving… — ${base}`;
  const pct = Math.min(100, Math.floor((progress.bytesDone / progress.bytesTotal) * 100));
  return `${pct}% saved — ${base}`;
}

/** One sentence for the end of a save. */
export function endSentence(report: DownloadReport | undefined, problem: Problem | undefined): string {
  if (problem) return `The save stopped: ${problem.title}.`;
  if (!report) return 'The save ended.';
  if (report.aborted) return `Save cancelled after ${report.downloaded} file${report.downloaded === 1 ? '' : 's'}.`;
  const failed = report.failed.length ? `, ${report.failed.length} failed` : '';
  return `Save finished: ${report.downloaded} file${report.downloaded === 1 ? '' : 's'} saved, ${report.skipped} already there${failed}.`;
}

export class SaveNotice {
  /** The last end-of-save sentence, shown in the page's live region. */
  message = $state('');
  #stop: () => void;

  constructor(save: SaveView, host: NoticeHost) {
    const base = host.document.title;
    let wasRunning = false;
    this.#stop = $effect.root(() => {
      $effect(() => {
        const running = save.running;
        const progress = save.progress;
        if (running) {
          wasRunning = true;
          this.message = '';
          host.document.title = savingTitle(progress, base);
          return;
        }
        if (!wasRunning) return;
        wasRunning = false;
        host.document.title = base;
        this.message = endSentence(save.report, save.problem);
        const N = host.Notification;
        if (N && N.permission === 'granted' && host.document.hidden) {
          try {
            new N('s3bids', { body: this.message });
          } catch {
            // Some browsers allow notifications only from a service worker: the in-page notice stays.
          }
        }
      });
    });
  }

  dispose() {
    this.#stop();
  }
}
