// The folder an export saves into when it is named after the study (README.md, "Exports"): one plain
// name inside the folder the script runs in, whatever the study id (from a link, a bucket, a prefix).

/**
 * A safe single folder name for `studyId`: never `.` or `..`, never starting with `-` (a tool would read
 * it as an option) or `.`, no `/` or `\` (it cannot leave the current folder), no control character.
 */
export function studyFolderName(studyId: string): string {
  const name = studyId
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\:]+/g, '_')
    .replace(/^[-.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, 100);
  return name === '' ? 'study' : name;
}

/** What each export format's file is called for a study: `s3bids-<study>-aws.sh`, `s3bids-<study>.s5cmd`, … */
export function exportFileName(format: 'aws' | 's5cmd' | 'batch' | 'curl' | 'pyafq', studyId: string): string {
  const name = studyFolderName(studyId);
  return { aws: `s3bids-${name}-aws.sh`, s5cmd: `s3bids-${name}.s5cmd`, batch: `s3bids-${name}-manifest.csv`, curl: `s3bids-${name}-curl.sh`, pyafq: `s3bids-${name}-pyafq.py` }[format];
}
