// Hands the current plan to bulk tools: the export code loads only when the dialog opens.
import { objectUrl } from '../lib/s3/index.ts';
import type { AppState } from './app.svelte.ts';
import { describeProblem, type Problem } from './errors.ts';

export type ExportKind = 'aws' | 's5cmd' | 'batch' | 'curl' | 'pyafq';

export const EXPORT_KINDS: { id: ExportKind; label: string; file: string }[] = [
  { id: 'aws', label: 'AWS CLI script (aws s3 cp --no-sign-request)', file: 's3bids-aws.sh' },
  { id: 's5cmd', label: 's5cmd run file', file: 's3bids.s5cmd' },
  { id: 'batch', label: 'S3 Batch Operations manifest (CSV)', file: 's3bids-manifest.csv' },
  { id: 'curl', label: 'curl script', file: 's3bids-curl.sh' },
  { id: 'pyafq', label: 'pyAFQ Python call', file: 's3bids_pyafq.py' },
];

export class ExportState {
  #app: AppState;
  kind = $state<ExportKind>('aws');
  text = $state('');
  problem = $state.raw<Problem | undefined>(undefined);

  constructor(app: AppState) {
    this.#app = app;
  }

  get fileName() {
    return EXPORT_KINDS.find((k) => k.id === this.kind)!.file;
  }

  async generate(): Promise<void> {
    const app = this.#app;
    const plan = app.save.plan;
    const loc = app.study.location;
    const client = app.study.client;
    if (!plan || !loc || !client) {
      this.text = '';
      this.problem = { code: 'NoPlan', title: 'Nothing to export yet', message: 'Open a study and choose at least one subject first.' };
      return;
    }
    try {
      const x = await import('../lib/save/export.ts');
      const target = { ...(loc.endpoint ? { endpoint: loc.endpoint } : {}), ...(loc.region ? { region: loc.region } : {}), directory: loc.studyId };
      switch (this.kind) {
        case 'aws':
          this.text = x.awsCliScript(plan, target);
          break;
        case 's5cmd':
          this.text = x.s5cmdRunFile(plan, target);
          break;
        case 'batch':
          this.text = x.s3BatchManifestCsv(plan);
          break;
        case 'curl':
          this.text = x.curlScript(plan, (key) => objectUrl(client, plan.bucket, key), target);
          break;
        case 'pyafq':
          this.text = x.pyAfqScript({
            studyId: loc.studyId,
            bucket: loc.bucket,
            s3Prefix: loc.prefix,
            subjects: app.selection.ids,
            ...(app.selection.seed !== undefined ? { randomSeed: app.selection.seed } : {}),
            ...(loc.site ? { site: loc.site } : {}),
            ...(loc.endpoint ? { endpoint: loc.endpoint } : {}),
            directory: loc.studyId,
            options: app.options.downloadOptions,
          });
          break;
      }
      this.problem = undefined;
    } catch (e) {
      this.text = '';
      this.problem = describeProblem(e);
    }
  }

  /** A blob URL for the "Download" link; the caller revokes it. */
  blobUrl(): string {
    return URL.createObjectURL(new Blob([this.text], { type: 'text/plain' }));
  }
}
