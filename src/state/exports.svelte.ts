// Hands the current plan to bulk tools: the export code loads only when the dialog opens.
import { clientInfo, objectUrl } from '../lib/s3/index.ts';
import type { AppState } from './app.svelte.ts';
import type { StudyLocation } from '../lib/s3/location.ts';
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
    const planned = app.save.plan;
    const loc = app.study.location;
    const client = app.study.client;
    if (!loc) {
      this.text = '';
      this.problem = { code: 'NoPlan', title: 'Nothing to export yet', message: 'Open a study and choose at least one subject first.' };
      return;
    }
    try {
      const x = await import('../lib/save/export.ts');
      if (!planned || !client) {
        // The study could not be listed here (often: no browser access): hand the whole prefix to a tool that can.
        this.text = wholeStudy(x.shellQuote, this.kind, loc);
        this.problem = undefined;
        return;
      }
      const signed = !clientInfo(client).anon;
      const target = { ...(loc.endpoint ? { endpoint: loc.endpoint } : {}), ...(loc.region ? { region: loc.region } : {}), directory: loc.studyId, signed };
      const plan = x.wholeSelection(planned);
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
            anon: !signed,
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

/** Commands for a whole study, for when no listing (and so no plan) is available in the browser. */
function wholeStudy(q: (s: string) => string, kind: ExportKind, loc: StudyLocation): string {
  const src = `s3://${loc.bucket}/${loc.prefix ? loc.prefix + '/' : ''}`;
  const endpoint = loc.endpoint ? ` --endpoint-url ${q(loc.endpoint)}` : '';
  const note = '# The browser could not list this study, so this copies the whole study prefix.\n';
  switch (kind) {
    case 'aws':
      return `#!/usr/bin/env bash\n${note}set -euo pipefail\naws s3 cp --no-sign-request${endpoint} --recursive ${q(src)} ${q(loc.studyId + '/')}\n`;
    case 's5cmd':
      return `${note}# Run: s5cmd --no-sign-request${endpoint} cp ${q(src + '*')} ${q(loc.studyId + '/')}\n`;
    case 'pyafq':
      return `${note}from AFQ.data.s3bids import S3BIDSStudy\n\nstudy = S3BIDSStudy(${JSON.stringify(loc.studyId)}, ${JSON.stringify(loc.bucket)}, ${JSON.stringify(loc.prefix)}, subjects="all", anon=True)\nstudy.download(${JSON.stringify(loc.studyId)})\n`;
    default:
      return `${note}# A per-file ${kind === 'curl' ? 'curl script' : 'manifest'} needs the listing; use the AWS CLI or s5cmd export instead.\n`;
  }
}
