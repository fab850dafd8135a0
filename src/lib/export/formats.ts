// One call for every export format: the selection's plan when there is one, the whole study prefix otherwise.
import type { S3Client } from '@aws-sdk/client-s3';
import type { DownloadOptions, DownloadPlan } from '../plan/index.ts';
import type { StudyListing } from '../s3/types.ts';
import { clientInfo, objectUrl } from '../s3/index.ts';
import type { StudyLocation } from '../s3/location.ts';
import { exportFileName, studyFolderName } from './folder-name.ts';
import { PYAFQ_REQUESTER_PAYS, pyAfqScript } from './pyafq.ts';
import { s3BatchManifestCsv } from './s3-batch.ts';
import { wholeSelection } from './selection.ts';
import { awsCliScript, curlScript, s5cmdRunFile, shellQuote as q } from './shell-scripts.ts';

/** AWS CLI script, s5cmd run file, S3 Batch Operations manifest, curl script, pyAFQ call. */
export type ExportFormat = 'aws' | 's5cmd' | 'batch' | 'curl' | 'pyafq';

export interface ExportRequest {
  format: ExportFormat;
  location: StudyLocation;
  /** The selection's plan; without it (or without a client) the study could not be listed here. */
  plan?: DownloadPlan | undefined;
  /** The client the study was listed with: whether requests are signed, and the objects' URLs. */
  client?: S3Client | undefined;
  /** The selected subject ids and the seed that drew them (pyAFQ picks exactly these). */
  subjects: readonly string[];
  seed?: number | undefined;
  options?: DownloadOptions | undefined;
  /** The study's listing: lets the AWS CLI script use one `aws s3 sync` per subject folder. */
  listing?: Pick<StudyListing, 'keys'> | undefined;
}

/** The export's text: the whole selection wherever this browser saved part of it already. */
export function exportText(r: ExportRequest): string {
  // The folder is named after the study, but only ever as one plain name below where the tool runs.
  const loc = { ...r.location, studyId: studyFolderName(r.location.studyId) };
  if (!r.plan || !r.client) return wholeStudyExport(r.format, loc);
  const client = r.client;
  const info = clientInfo(client);
  const signed = !info.anon;
  const requesterPays = info.requesterPays || loc.requesterPays === true;
  const target = {
    ...(loc.endpoint ? { endpoint: loc.endpoint } : {}),
    ...(loc.region ? { region: loc.region } : {}),
    directory: loc.studyId,
    signed,
    ...(requesterPays ? { requesterPays } : {}),
    fileName: exportFileName(r.format, loc.studyId),
  };
  const plan = wholeSelection(r.plan);
  switch (r.format) {
    case 'aws':
      return awsCliScript(plan, target, r.listing?.keys);
    case 's5cmd':
      return s5cmdRunFile(plan, target);
    case 'batch':
      return s3BatchManifestCsv(plan);
    case 'curl':
      return curlScript(plan, (key) => objectUrl(client, plan.bucket, key), target);
    case 'pyafq':
      return pyAfqScript({
        studyId: loc.studyId,
        bucket: loc.bucket,
        s3Prefix: loc.prefix,
        subjects: r.subjects,
        ...(r.seed !== undefined ? { randomSeed: r.seed } : {}),
        ...(loc.site ? { site: loc.site } : {}),
        ...(loc.endpoint ? { endpoint: loc.endpoint } : {}),
        anon: !signed,
        ...(requesterPays ? { requesterPays } : {}),
        directory: loc.studyId,
        ...(r.options ? { options: r.options } : {}),
      });
  }
}

// For when the browser could not list the study (often: the bucket allows no browser access), so there
// is no plan: a tool that can list it fetches the whole study prefix.
const NOTE = '# The browser could not list this study, so this copies the whole study prefix.\n';
const PAYER_NOTE = '# Requester pays: your own AWS credentials sign the requests, and your account is charged for them.\n';
const PYAFQ_PAYER_NOTE = `${PYAFQ_REQUESTER_PAYS}\n`;

/** Commands for a whole study prefix. */
export function wholeStudyExport(format: ExportFormat, location: StudyLocation): string {
  const loc = { ...location, studyId: studyFolderName(location.studyId) };
  const src = `s3://${loc.bucket}/${loc.prefix ? loc.prefix + '/' : ''}`;
  const endpoint = loc.endpoint ? ` --endpoint-url ${q(loc.endpoint)}` : '';
  // A requester-pays bucket refuses unsigned requests: the tools sign with the user's own credentials.
  const sign = loc.requesterPays ? ' --request-payer requester' : ' --no-sign-request';
  const payerNote = loc.requesterPays ? PAYER_NOTE : '';
  switch (format) {
    case 'aws':
      return `#!/usr/bin/env bash\n${NOTE}${payerNote}set -euo pipefail\naws s3 cp${sign}${endpoint} --recursive ${q(src)} ${q(loc.studyId + '/')}\n`;
    case 's5cmd':
      return `${NOTE}${payerNote}# Run: s5cmd${sign}${endpoint} cp ${q(src + '*')} ${q(loc.studyId + '/')}\n`;
    case 'pyafq':
      return `${NOTE}${loc.requesterPays ? PYAFQ_PAYER_NOTE : ''}from AFQ.data.s3bids import S3BIDSStudy\n\nstudy = S3BIDSStudy(${JSON.stringify(loc.studyId)}, ${JSON.stringify(loc.bucket)}, ${JSON.stringify(loc.prefix)}, subjects="all", anon=${loc.requesterPays ? 'False' : 'True'})\nstudy.download(${JSON.stringify(loc.studyId)})\n`;
    default:
      return `${NOTE}# A per-file ${format === 'curl' ? 'curl script' : 'manifest'} needs the listing; use the AWS CLI or s5cmd export instead.\n`;
  }
}
