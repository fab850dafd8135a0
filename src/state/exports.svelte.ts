// The export dialog's state: the chosen format, its text for the current selection, and a link to save
// it. The text follows the format, the plan and the selection while the dialog is open; the export code
// (src/lib/export) loads only when the dialog first shows.
import { untrack } from 'svelte';
import type { ExportFormat, ExportRequest } from '../lib/export/index.ts';
import { exportFileName, parseLocation, type StudyLocation } from '../lib/index.ts';
import type { AppState } from './app.svelte.ts';
import { describeProblem, type Problem } from './errors.ts';

export type { ExportFormat };

export const EXPORT_FORMATS: readonly { id: ExportFormat; label: string }[] = [
  { id: 'aws', label: 'AWS CLI script (aws s3 sync per subject, aws s3 cp per other file)' },
  { id: 's5cmd', label: 's5cmd run file' },
  { id: 'batch', label: 'S3 Batch Operations manifest (CSV)' },
  { id: 'curl', label: 'curl script' },
  { id: 'pyafq', label: 'pyAFQ Python call' },
];

const NO_STUDY: Problem = { code: 'NoPlan', title: 'Nothing to export yet', message: 'Open a study and choose at least one subject first.' };

export class ExportState {
  format = $state<ExportFormat>('aws');
  text = $state('');
  problem = $state.raw<Problem | undefined>(undefined);
  /** A blob URL of `text` for the "Download" link; '' when there is nothing to save. */
  href = $state('');
  readonly #app: AppState;
  /** Bumped per refresh: an older one finishing late does not overwrite a newer text. */
  #latest = 0;

  constructor(app: AppState) {
    this.#app = app;
  }

  /** `s3bids-<study>-aws.sh`, `s3bids-<study>.s5cmd`, …: the name the s5cmd run file also gives itself. */
  get fileName(): string {
    const app = this.#app;
    let studyId = 'study';
    try {
      if (app.study.text) studyId = parseLocation(app.study.text, app.study.overrides).studyId;
    } catch {
      // An unreadable location exports nothing; the name stays generic.
    }
    return exportFileName(this.format, studyId);
  }

  /**
   * What the export is made of now, or why there is none. It always describes the study the page shows
   * and its current choice: a study that failed to open is exported whole (a tool that can list it
   * fetches the prefix), never with the previous study's plan.
   */
  #request(): ExportRequest | Problem | undefined {
    const app = this.#app;
    const study = app.study;
    if (!study.text) return undefined;
    let location: StudyLocation;
    try {
      location = parseLocation(study.text, study.overrides);
    } catch {
      return { code: 'NoPlan', title: 'Nothing to export', message: `"${study.text}" is not a study location this page can read; open a study first.` };
    }
    const base = { format: this.format, location, client: study.client, seed: app.selection.seed, options: app.options.downloadOptions };
    if (study.status === 'listing') return { code: 'NoPlan', title: 'Still listing the study', message: 'The export is ready once the study has been listed.' };
    if (study.status !== 'ready') return { ...base, plan: undefined, client: undefined, subjects: [] };
    const subjects = app.selection.ids;
    if (subjects.length === 0) return { code: 'NoPlan', title: 'No subject chosen', message: 'Choose at least one subject to export.' };
    const plan = app.save.planOf(app.planInput());
    if (!plan) return app.save.planProblem ?? { code: 'NoPlan', title: 'Working out the plan', message: 'The export follows once the plan for this choice is ready.' };
    return { ...base, plan, subjects, listing: study.listing };
  }

  /**
   * Keeps the text in step with the format and with the app's study, plan and selection, until the
   * returned function is called (the dialog closing).
   */
  follow(): () => void {
    const stop = $effect.root(() => {
      $effect(() => {
        // Reading the request is what ties the refresh to each thing an export is made of.
        const request = this.#request();
        untrack(() => this.#refresh(request));
      });
    });
    return () => {
      stop();
      this.#latest++;
      this.#show('', this.problem);
    };
  }

  /** Makes the text for the current format and selection now. */
  refresh(): Promise<void> {
    return this.#refresh(this.#request());
  }

  async copy(): Promise<void> {
    await navigator.clipboard?.writeText(this.text);
  }

  async #refresh(request: ExportRequest | Problem | undefined): Promise<void> {
    const run = ++this.#latest;
    if (!request) return this.#show('', NO_STUDY);
    if (!('format' in request)) return this.#show('', request);
    try {
      const { exportText } = await import('../lib/export/index.ts');
      const text = exportText(request);
      if (run === this.#latest) this.#show(text, undefined);
    } catch (e) {
      if (run === this.#latest) this.#show('', describeProblem(e));
    }
  }

  #show(text: string, problem: Problem | undefined): void {
    this.text = text;
    this.problem = problem;
    if (this.href) URL.revokeObjectURL(this.href);
    this.href = text ? URL.createObjectURL(new Blob([text], { type: 'text/plain' })) : '';
  }
}
