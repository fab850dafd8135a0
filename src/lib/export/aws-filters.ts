// One `aws s3 sync` per subject folder, with --exclude/--include filters chosen so that the command
// fetches exactly the plan's files in that folder (README.md, "Using the app", Export). The AWS CLI's
// filter rules are reproduced here and every candidate is checked against the study's listing before it
// is used: patterns are matched (Python fnmatch) against `bucket/key`, each prefixed with the source
// folder `bucket/prefix/folder/`; `*` matches across `/`, `?` one character, `[seq]`/`[!seq]` a set;
// every file starts included and the last filter that matches it decides.

export type AwsFilter = readonly ['exclude' | 'include', string];

/** Python's fnmatch.translate, as the AWS CLI uses it (case-sensitive, as on Linux and macOS). */
export function fnmatchRegExp(pattern: string): RegExp {
  let re = '';
  const n = pattern.length;
  let i = 0;
  while (i < n) {
    const c = pattern[i++]!;
    if (c === '*') {
      if (!re.endsWith('[\\s\\S]*')) re += '[\\s\\S]*';
    } else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      let j = i;
      if (j < n && pattern[j] === '!') j++;
      if (j < n && pattern[j] === ']') j++;
      while (j < n && pattern[j] !== ']') j++;
      if (j >= n) re += '\\[';
      else {
        let stuff = pattern.slice(i, j);
        i = j + 1;
        if (stuff === '') re += '(?!)';
        else if (stuff === '!') re += '[\\s\\S]';
        else {
          const negate = stuff.startsWith('!');
          if (negate) stuff = stuff.slice(1);
          // Inside a JS class only `\`, `]` and `^` (first) are special; `-` keeps its range meaning.
          stuff = stuff.replace(/[\\\]^]/g, (m) => `\\${m}`);
          re += `[${negate ? '^' : ''}${stuff}]`;
        }
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 'u');
}

/** Whether the AWS CLI copies `relPath` (relative to the source folder) under `filters`. */
export function awsFiltersSelect(filters: readonly AwsFilter[], root: string, relPath: string): boolean {
  let take = true;
  const path = root + relPath;
  for (const [kind, pattern] of filters) if (fnmatchRegExp(root + pattern).test(path)) take = kind === 'include';
  return take;
}

/** The characters fnmatch reads as wildcards: a key holding one cannot be named by a filter. */
export const hasWildcard = (s: string) => /[*?[]/.test(s);

/**
 * The subject folder a study-relative path sits in: `sub-X/` or `derivatives/<pipeline>/sub-X/` (any
 * folders before the first `sub-…` folder), or undefined for a file outside any subject folder.
 */
export function subjectFolderOf(rel: string): string | undefined {
  const parts = rel.split('/');
  const i = parts.findIndex((p, k) => k < parts.length - 1 && /^sub-[^/]+$/.test(p));
  if (i < 0 || (i > 0 && parts[0] !== 'derivatives')) return undefined;
  return parts.slice(0, i + 1).join('/') + '/';
}

/** `*.nii.gz` for `anat/sub-01_T1w.nii.gz`: the name's extension, in any folder. */
const extensionPattern = (rel: string) => {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  return dot > 0 ? `*${base.slice(dot)}` : undefined;
};
/** `*_T1w.nii.gz` for `anat/sub-01_T1w.nii.gz`: the name's last `_` part, in any folder. */
const suffixPattern = (rel: string) => {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const u = base.lastIndexOf('_');
  return u > 0 ? `*${base.slice(u)}` : undefined;
};
/** The same in the file's own folder: `ses-1/anat/*_T1w.nii.gz`. */
const folderSuffixPattern = (rel: string) => {
  const s = suffixPattern(rel);
  const d = rel.lastIndexOf('/');
  return s && d > 0 ? `${rel.slice(0, d + 1)}${s}` : undefined;
};

/**
 * Filters for one `aws s3 sync` of a folder holding `all` (every listed path in it, relative to the
 * folder) that copies exactly `wanted`, or undefined when no filters can (a wanted or root name
 * holds a wildcard character). The fewest filters of: none, excluding what is not wanted, or
 * `--exclude "*"` then including what is wanted; patterns are by extension or name suffix where
 * that selects nothing extra, by the file's folder and suffix next, by exact path last.
 */
export function syncFilters(root: string, all: readonly string[], wanted: ReadonlySet<string>): AwsFilter[] | undefined {
  if (hasWildcard(root)) return undefined;
  const unwanted = all.filter((r) => !wanted.has(r));
  const candidates: AwsFilter[][] = [];
  if (unwanted.length === 0) candidates.push([]);
  // Patterns that match only in `yes` (none of `no`), covering every path of `yes`.
  const cover = (yes: readonly string[], no: readonly string[]): string[] | undefined => {
    const out = new Set<string>();
    for (const r of yes) {
      const fits = [extensionPattern(r), suffixPattern(r), folderSuffixPattern(r), r].find((p) => {
        if (p === undefined || (p !== r && hasWildcard(p.replaceAll('*', ''))) || (p === r && hasWildcard(r))) return false;
        const re = fnmatchRegExp(root + p);
        return !no.some((x) => re.test(root + x));
      });
      if (fits === undefined) return undefined;
      out.add(fits);
    }
    return [...out];
  };
  const wantedList = all.filter((r) => wanted.has(r));
  const inc = cover(wantedList, unwanted);
  if (inc) candidates.push([['exclude', '*'], ...inc.map((p): AwsFilter => ['include', p])]);
  const exc = unwanted.length > 0 ? cover(unwanted, wantedList) : undefined;
  if (exc) candidates.push(exc.map((p): AwsFilter => ['exclude', p]));
  candidates.sort((a, b) => a.length - b.length);
  // Checked against every listed path, whatever the construction above intended.
  return candidates.find((f) => all.every((r) => awsFiltersSelect(f, root, r) === wanted.has(r)));
}
