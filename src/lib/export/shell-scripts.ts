// Scripts for the AWS CLI, s5cmd and curl. Every value is quoted for its consumer; nothing here ever
// sees credentials.
import type { DownloadPlan, PlanEntry } from '../plan/index.ts';
import { hasWildcard, subjectFolderOf, syncFilters } from './aws-filters.ts';
import { generatedEntries, joinDir, refusedComments, s3Entries, s3Uri } from './selection.ts';

export interface ExportTarget {
  /** Custom endpoint (MinIO, Ceph, a local server); omit for AWS. */
  endpoint?: string;
  region?: string;
  /** Where the script saves, relative to where it runs. Default '.'. */
  directory?: string;
  /** The bucket needs signed requests: the tools use the user's own AWS credentials (never written here). */
  signed?: boolean;
  /** The name the export is saved under (an s5cmd run file names itself in its `# Run:` line). */
  fileName?: string;
  /**
   * A requester-pays bucket: the tools say the requester (the user's AWS account) accepts the charge,
   * `--request-payer requester` for the AWS CLI and s5cmd (docs/real-s3.md, "Requester pays").
   */
  requesterPays?: boolean;
}

/** Quotes one word for POSIX sh/bash: single quotes, with `'` written as `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function header(plan: DownloadPlan, what: string, signed = false, requesterPays = false): string[] {
  const n = s3Entries(plan).length;
  const bytes = s3Entries(plan).reduce((a, e) => a + e.size, 0);
  return [
    '#!/usr/bin/env bash',
    `# ${what}: ${n} object(s), ${bytes} bytes from ${JSON.stringify(s3Uri(plan.bucket, plan.prefix))}`,
    signed
      ? '# Made by s3bids. Signed requests: the tool uses your own AWS credentials (aws configure / environment); none are included here.'
      : '# Made by s3bids. Anonymous (unsigned) requests: no credentials are needed or included.',
    ...(requesterPays ? ['# Requester pays: your AWS account is charged for the requests and the data transferred.'] : []),
    // No `-e`: one failed file does not stop the others; the failures are listed at the end (footer).
    'set -uo pipefail',
    'failed=()',
    ...refusedComments(plan),
  ];
}

/** `cmd`, and on failure the file is remembered (a bash array: any key survives). */
const orRecord = (cmd: string, what: string) => `${cmd} || failed+=(${shellQuote(what)})`;

/** Lists what failed, and exits non-zero when anything did. */
const FOOTER = [
  'if [ "${#failed[@]}" -gt 0 ]; then',
  `  printf '%s file(s) failed:\\n' "\${#failed[@]}" >&2`,
  `  printf '  %s\\n' "\${failed[@]}" >&2`,
  '  exit 1',
  'fi',
];

function generatedLines(plan: DownloadPlan, dir: string | undefined): string[] {
  return generatedEntries(plan).flatMap((e) => {
    const path = joinDir(dir, e.localPath);
    const parent = path.slice(0, path.lastIndexOf('/'));
    return [orRecord(`{ mkdir -p ${shellQuote(parent)} && printf '%s' ${shellQuote(e.content!)} > ${shellQuote(path)}; }`, e.localPath)];
  });
}

/** `--endpoint-url …` for a custom endpoint, or nothing. */
const endpointFlags = (endpoint: string | undefined) => (endpoint ? ['--endpoint-url', shellQuote(endpoint)] : []);

/** `--request-payer requester` for a requester-pays bucket (AWS CLI `s3` commands and s5cmd alike), or nothing. */
const payerFlags = (t: ExportTarget) => (t.requesterPays ? ['--request-payer', 'requester'] : []);

/** A listed object, as the AWS CLI sees it: zero-byte keys ending in `/` are folder markers it skips. */
export interface ListedObject {
  key: string;
  size: number;
}

/**
 * A bash script for the AWS CLI. Given the study's listing (`listed`: every object under the study
 * prefix), each subject folder (`sub-X/`, `derivatives/<pipeline>/sub-X/`) is one `aws s3 sync` whose
 * --exclude/--include filters select exactly the plan's files there, checked against the listing
 * (aws-filters.ts); everything else, and every folder no filters can express, is one `aws s3 cp` per
 * file. Without a listing every file is its own `aws s3 cp`.
 */
export function awsCliScript(plan: DownloadPlan, t: ExportTarget = {}, listed?: readonly ListedObject[]): string {
  const flags = [
    ...(t.signed ? [] : ['--no-sign-request']),
    ...endpointFlags(t.endpoint),
    ...(t.region ? ['--region', shellQuote(t.region)] : []),
    ...payerFlags(t),
  ].join(' ');
  const lines = header(plan, 'AWS CLI copy', t.signed, t.requesterPays);
  const entries = s3Entries(plan);
  const root = plan.prefix ? `${plan.prefix}/` : '';
  // Folder → its planned entries a sync can write (the local path is the key's path in the study).
  const folders = new Map<string, (PlanEntry & { key: string })[]>();
  const single: (PlanEntry & { key: string })[] = [];
  for (const e of entries) {
    const rel = e.key.startsWith(root) ? e.key.slice(root.length) : undefined;
    const folder = listed && rel !== undefined && rel === e.localPath && !hasWildcard(rel) ? subjectFolderOf(rel) : undefined;
    if (folder === undefined) single.push(e);
    else (folders.get(folder) ?? folders.set(folder, []).get(folder)!).push(e);
  }
  const inFolder = new Map<string, string[]>([...folders.keys()].map((f) => [f, []]));
  for (const o of listed ?? []) {
    if (!o.key.startsWith(root) || (o.size === 0 && o.key.endsWith('/'))) continue;
    const rel = o.key.slice(root.length);
    const folder = subjectFolderOf(rel);
    if (folder !== undefined) inFolder.get(folder)?.push(rel.slice(folder.length));
  }
  for (const [folder, group] of folders) {
    const wanted = new Set(group.map((e) => e.key.slice(root.length + folder.length)));
    const all = inFolder.get(folder)!;
    const listedHere = new Set(all);
    // A planned file the listing does not hold (a stale listing) is fetched by name.
    const filters = [...wanted].every((r) => listedHere.has(r)) ? syncFilters(`${plan.bucket}/${root}${folder}`, all, wanted) : undefined;
    if (!filters) {
      single.push(...group);
      continue;
    }
    const words = filters.map(([kind, p]) => `--${kind} ${shellQuote(p)}`).join(' ');
    const cmd = `aws s3 sync ${flags} --only-show-errors ${shellQuote(s3Uri(plan.bucket, root + folder))} ${shellQuote(joinDir(t.directory, folder))}${words ? ' ' + words : ''}`;
    lines.push(`# ${folder}: ${group.length} file(s)`, orRecord(cmd, `${folder} (some of its ${group.length} file(s))`));
  }
  for (const e of single)
    lines.push(orRecord(`aws s3 cp ${flags} --only-show-errors ${shellQuote(s3Uri(plan.bucket, e.key))} ${shellQuote(joinDir(t.directory, e.localPath))}`, e.key));
  lines.push(...generatedLines(plan, t.directory), ...FOOTER);
  return lines.join('\n') + '\n';
}

/**
 * An `s5cmd run` file: each line is parsed with sh word-splitting, so single quotes work; a key with
 * a line break cannot be written on one line and is listed as a comment instead.
 */
export function s5cmdRunFile(plan: DownloadPlan, t: ExportTarget = {}): string {
  const lines = [
    `# s5cmd run ${t.fileName ?? 'file'}: ${s3Entries(plan).length} object(s) from ${JSON.stringify(s3Uri(plan.bucket, plan.prefix))}`,
    `# Run: ${s5cmdCommand(t, t.fileName ?? 'this-file.s5cmd')}`,
    ...refusedComments(plan),
  ];
  for (const e of s3Entries(plan)) {
    if (/[\r\n]/.test(e.key) || /[\r\n]/.test(e.localPath)) lines.push(`# not expressible in a run file (line break in key): ${JSON.stringify(e.key)}`);
    // s5cmd reads `*`, `?` and `[` in a source as wildcards; `--raw` takes the key as it is.
    else lines.push(`cp ${/[*?[]/.test(e.key) ? '--raw ' : ''}${shellQuote(s3Uri(plan.bucket, e.key))} ${shellQuote(joinDir(t.directory, e.localPath))}`);
  }
  for (const e of generatedEntries(plan)) lines.push(`# generated by s3bids, not by s5cmd: ${JSON.stringify(e.localPath)}`);
  return lines.join('\n') + '\n';
}

/** The command line that runs an s5cmd run file (anonymously unless the bucket needs signing). */
export function s5cmdCommand(t: ExportTarget, file: string): string {
  // s5cmd takes --request-payer as a global flag, before the command.
  return ['s5cmd', ...(t.signed ? [] : ['--no-sign-request']), ...endpointFlags(t.endpoint), ...payerFlags(t), 'run', shellQuote(file)].join(' ');
}

/** A curl script over the objects' plain HTTPS URLs (`urlFor` = objectUrl(client, bucket, key)). */
export function curlScript(plan: DownloadPlan, urlFor: (key: string) => string, t: Pick<ExportTarget, 'directory' | 'signed' | 'requesterPays'> = {}): string {
  const lines = header(plan, 'curl download');
  if (t.requesterPays)
    lines.push(
      '# Requester pays: S3 refuses unsigned requests to this bucket, and curl sends unsigned ones (the header',
      '# x-amz-request-payer: requester is sent, but counts only on a signed request). Use the AWS CLI or s5cmd export.',
    );
  else if (t.signed) lines.push('# curl sends unsigned requests: this works only if the objects are public. For a private bucket use the AWS CLI or s5cmd export.');
  const payer = t.requesterPays ? `-H ${shellQuote('x-amz-request-payer: requester')} ` : '';
  // -g: no URL globbing; --retry: transient failures; -f: an HTTP error is a failure, not a saved error page;
  // --path-as-is: a key's `..` or `.` segments are sent as they are, not squashed into another key.
  for (const e of s3Entries(plan))
    lines.push(orRecord(`curl -fsSLg --path-as-is --retry 5 ${payer}--create-dirs -o ${shellQuote(joinDir(t.directory, e.localPath))} ${shellQuote(urlFor(e.key))}`, e.key));
  lines.push(...generatedLines(plan, t.directory), ...FOOTER);
  return lines.join('\n') + '\n';
}
