// Exports that finish and stay put (README.md, "Exports"): a failed file does not stop the script and
// is listed at the end; the folder named after the study stays one plain name below where it runs;
// curl keeps `..` segments; s5cmd takes wildcard characters in keys literally.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DownloadPlan } from '../plan/index.ts';
import type { StudyLocation } from '../s3/location.ts';
import { awsCliScript, curlScript, exportText, s5cmdRunFile } from './index.ts';
import { studyFolderName } from './folder-name.ts';

const entry = (rel: string) => ({ key: `ds/${rel}`, size: 1, etag: '', localPath: rel, action: 'download' as const });
const plan: DownloadPlan = { bucket: 'b', prefix: 'ds', entries: ['sub-01/a.json', 'sub-01/fail.json', 'sub-02/b.json'].map(entry) };

/** Runs `script` with a fake `aws`/`curl` on PATH that writes its output file, failing for keys containing "fail". */
function runWithFakeTool(script: string, tool: 'aws' | 'curl') {
  const dir = mkdtempSync(join(tmpdir(), 's3bids-finish-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const fake =
    tool === 'aws'
      ? '#!/usr/bin/env bash\nfor a; do :; done; src="${@: -2:1}"; case "$src" in *fail*) exit 1;; esac; mkdir -p "$(dirname "$a")"; echo x > "$a"\n'
      : '#!/usr/bin/env bash\nout=""; url=""; while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift;; -*) ;; *) url="$1";; esac; shift; done; case "$url" in *fail*) exit 22;; esac; mkdir -p "$(dirname "$out")"; echo x > "$out"\n';
  writeFileSync(join(bin, tool), fake);
  chmodSync(join(bin, tool), 0o755);
  const work = join(dir, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'script.sh'), script);
  const res = spawnSync('bash', ['script.sh'], { cwd: work, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  return { res, work };
}

describe('exports that finish and stay put', () => {
  it.each(['aws', 'curl'] as const)('the %s script goes on past a failed file and lists the failures at the end', (tool) => {
    const script = tool === 'aws' ? awsCliScript(plan, { directory: 'out' }) : curlScript(plan, (k) => `http://s3.test/b/${k}`, { directory: 'out' });
    const { res, work } = runWithFakeTool(script, tool);
    expect(res.status).toBe(1);
    expect(existsSync(join(work, 'out/sub-01/a.json'))).toBe(true);
    expect(existsSync(join(work, 'out/sub-02/b.json'))).toBe(true);
    expect(res.stderr).toContain('1 file(s) failed:');
    expect(res.stderr).toContain('ds/sub-01/fail.json');
    // printf's formats end in `\n`, written as such: no line break inside a quoted format.
    expect(script).not.toMatch(/printf '[^']*\n/);
  });

  it.each(['..', '.', '-rf', '../../etc', '/abs/path', 'a/../..', '', ' .. '])('the folder named after the study %j is one plain name', (id) => {
    const name = studyFolderName(id);
    expect(name).not.toMatch(/^[-.]|[/\\]/);
    expect(name.length).toBeGreaterThan(0);
  });

  it('every export decides the folder itself, whatever the study id', () => {
    const location: StudyLocation = { bucket: 'b', prefix: 'ds', flavour: 'bids', studyId: '../-x' } as StudyLocation;
    for (const format of ['aws', 's5cmd', 'pyafq'] as const) {
      const text = exportText({ format, location, subjects: ['01'] });
      expect(text, format).not.toContain('../');
      expect(text, format).not.toMatch(/'-x\//);
    }
    const { res, work } = runWithFakeTool(awsCliScript(plan, { directory: '-out' }), 'aws');
    expect(res.status).toBe(1);
    expect(readdirSync(work).sort()).toEqual(['-out', 'script.sh']);
  });

  it('curl keeps `..` segments of a URL as they are; s5cmd copies keys with wildcard characters raw', () => {
    expect(curlScript(plan, (k) => `http://s3.test/b/${k}`)).toMatch(/curl .*--path-as-is/);
    const wild = s5cmdRunFile({ ...plan, entries: [entry('sub-01/a[1].json'), entry('sub-01/plain.json')] });
    expect(wild).toContain("cp --raw 's3://b/ds/sub-01/a[1].json'");
    expect(wild).toContain("cp 's3://b/ds/sub-01/plain.json'");
  });
});
