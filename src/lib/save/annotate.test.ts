import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DownloadPlan } from '../plan/index.ts';
import { annotatePlan, decideAction } from './annotate.ts';
import { emptyManifest, readManifest, serializeManifest } from './manifest.ts';
import { nodeFolderTarget } from './node-folder.ts';
import { unsafePathReason } from '../plan/index.ts';

const E = (localPath: string, size: number, etag = 'e'.repeat(32)) => ({ key: `p/${localPath}`, size, etag, localPath, action: 'download' as const });

describe('decideAction', () => {
  const rec = { key: 'p/a', size: 3, etag: 'x', localPath: 'a', savedAt: '' };
  it.each([
    ['nothing on disk', undefined, undefined, false, 'download'],
    ['same size, no manifest record', { size: 3 }, undefined, false, 'skip'],
    ['same size, same ETag in the manifest', { size: 3 }, rec, false, 'skip'],
    ['same size, other ETag in the manifest', { size: 3 }, { ...rec, etag: 'y' }, false, 'overwrite'],
    ['other size (a truncated file: pyAFQ kept it)', { size: 2 }, undefined, false, 'overwrite'],
    ['complete but overwrite=true', { size: 3 }, rec, true, 'overwrite'],
  ] as const)('%s', (_, local, record, overwrite, want) => {
    expect(decideAction({ key: 'p/a', size: 3, etag: 'x' }, local, record, overwrite)).toBe(want);
  });
});

describe('annotatePlan', () => {
  it('reads the folder and its manifest, keeps generated entries, refuses unsafe paths, writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-annotate-'));
    mkdirSync(join(dir, 'sub-01'), { recursive: true });
    writeFileSync(join(dir, 'sub-01', 'same.nii'), 'abc');
    writeFileSync(join(dir, 'sub-01', 'short.nii'), 'ab');
    writeFileSync(join(dir, 'sub-01', 'changed.nii'), 'abc');
    const target = nodeFolderTarget(dir);
    const m = emptyManifest();
    m.files['sub-01/changed.nii'] = { key: 'p/sub-01/changed.nii', size: 3, etag: 'old', localPath: 'sub-01/changed.nii', savedAt: '' };
    await target.writeText('.s3bids/manifest.json', serializeManifest(m));
    const plan: DownloadPlan = {
      bucket: 'b',
      prefix: 'p',
      entries: [
        E('sub-01/same.nii', 3),
        E('sub-01/short.nii', 3),
        E('sub-01/changed.nii', 3),
        E('sub-01/new.nii', 3),
        E('sub-01/../../x', 3),
        { size: 0, etag: '', localPath: 'dataset_description.json', action: 'generate', content: '{}' },
      ],
    };
    const out = await annotatePlan(plan, target);
    expect(out.entries.map((e) => e.action)).toEqual(['skip', 'overwrite', 'overwrite', 'download', 'download', 'generate']);
    expect(out.entries[4]!.refused).toMatch(/\.\./);
    expect((await annotatePlan(plan, target, { overwrite: true })).entries.map((e) => e.action)).toEqual([
      'overwrite', 'overwrite', 'overwrite', 'download', 'download', 'generate',
    ]);
    expect(plan.entries[0]!.action).toBe('download');
    expect(await target.stat('sub-01/new.nii')).toBeUndefined();
  });
});

describe('paths and manifest', () => {
  it.each([
    ['sub-01/anat/sub-01_T1w.nii.gz', undefined],
    ['sub 02/ünï©ødé+%.json', undefined],
    ['../x', /\.\./],
    ['a/./b', /"\."/],
    ['/etc/passwd', /absolute/],
    ['C:/x', /absolute/],
    ['a//b', /empty segment/],
    ['a/', /empty segment/],
    ['', /empty/],
    ['a\\b', /character/],
    ['a/b\u0000c', /character/],
    ['a/aux.json', /reserved/],
    ['a/b.', /ends with/],
    ['.s3bids/partial/x', /reserved/],
    [`${'é'.repeat(128)}`, /255 bytes/],
  ])('%j', (p, want) => {
    const r = unsafePathReason(p);
    if (want === undefined) expect(r).toBeUndefined();
    else expect(r).toMatch(want);
  });

  it('never stores credentials, whatever the caller put in the study metadata', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-manifest-'));
    const target = nodeFolderTarget(dir);
    const m = emptyManifest();
    m.study = { bucket: 'b', prefix: 'p', selection: ['sub-01'], seed: 7, ...({ credentials: { secretAccessKey: 'S3CR3T' }, sessionToken: 'T0K' } as object) };
    await target.writeText('.s3bids/manifest.json', serializeManifest(m));
    const text = (await target.readText('.s3bids/manifest.json'))!;
    expect(text).not.toMatch(/S3CR3T|T0K/);
    expect((await readManifest(target)).study).toEqual({ bucket: 'b', prefix: 'p', selection: ['sub-01'], seed: 7 });
  });

  it('treats a missing or damaged manifest as empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3bids-manifest-'));
    const target = nodeFolderTarget(dir);
    expect((await readManifest(target)).files).toEqual({});
    await target.writeText('.s3bids/manifest.json', '{not json');
    expect((await readManifest(target)).files).toEqual({});
  });
});
