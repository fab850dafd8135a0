// The manifest's owner over a real temporary folder: what each update records, and when it is written.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { FolderManifest, RECORD_AT_ONCE_BYTES, type Manifest } from './manifest.ts';
import { nodeFolderTarget } from './node-folder.ts';
import { MANIFEST_PATH } from './app-folder.ts';
import type { SaveTarget } from './types.ts';

const HOUR = 3_600_000;
const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-manifest-'));
const onDisk = (dir: string) => JSON.parse(readFileSync(join(dir, ...MANIFEST_PATH.split('/')), 'utf8')) as Manifest;

/** A real Node folder whose manifest writes are counted, and can be awaited. */
function countingFolder(dir: string) {
  const real = nodeFolderTarget(dir);
  const writes: string[] = [];
  let wrote: () => void = () => undefined;
  let next = new Promise<void>((r) => (wrote = r));
  const target: SaveTarget = {
    ...real,
    async writeText(path, text) {
      await real.writeText(path, text);
      if (path === MANIFEST_PATH) {
        writes.push(text);
        wrote();
        next = new Promise<void>((r) => (wrote = r));
      }
    },
  };
  return { target, writes, nextWrite: () => next };
}

const file = (localPath: string, size = 10) => ({ key: `ds/${localPath}`, size, etag: 'a'.repeat(32), localPath });

describe('FolderManifest', () => {
  it('loads what an earlier run saved, and an empty manifest from a folder without one', async () => {
    const dir = tempDir();
    const empty = await FolderManifest.load(nodeFolderTarget(dir));
    expect(empty.saved('sub-01/a.nii')).toBeUndefined();
    expect(empty.snapshot()).toMatchObject({ version: 1, study: {}, files: {}, partial: {} });

    const first = await FolderManifest.load(nodeFolderTarget(dir));
    first.recordSaved({ ...file('sub-01/a.nii'), lastModified: '2024-01-02T03:04:05.000Z' });
    first.recordPartial('sub-01/b.nii', { key: 'ds/sub-01/b.nii', etag: 'b'.repeat(32), size: 20 });
    expect(await first.close()).toEqual([]);

    const again = await FolderManifest.load(nodeFolderTarget(dir));
    expect(again.saved('sub-01/a.nii')).toMatchObject({ ...file('sub-01/a.nii'), lastModified: '2024-01-02T03:04:05.000Z' });
    expect(Date.parse(again.saved('sub-01/a.nii')!.savedAt)).toBeGreaterThan(0);
    expect(again.partial('sub-01/b.nii')).toEqual({ key: 'ds/sub-01/b.nii', etag: 'b'.repeat(32), size: 20 });
  });

  it('recording a saved file replaces its partial record; forgetting a partial drops only that', async () => {
    const dir = tempDir();
    const m = await FolderManifest.load(nodeFolderTarget(dir), HOUR);
    m.recordPartial('a', { key: 'ds/a', etag: 'e1', size: 5 });
    m.recordPartial('b', { key: 'ds/b', etag: 'e2', size: 6 });
    m.recordSaved(file('a', 5));
    m.forgetPartial('b');
    m.forgetPartial('never-recorded');
    expect(m.partial('a')).toBeUndefined();
    expect(m.partial('b')).toBeUndefined();
    expect(m.saved('a')!.size).toBe(5);
    // The record holds the listed fields only, never more of what it was handed.
    m.recordSaved({ ...file('c'), ...({ content: 'x', action: 'download' } as object) });
    expect(Object.keys(m.saved('c')!).sort()).toEqual(['etag', 'key', 'localPath', 'savedAt', 'size']);
    await m.close();
    const saved = onDisk(dir);
    expect(saved.partial).toEqual({});
    expect(Object.keys(saved.files).sort()).toEqual(['a', 'c']);
  });

  it('records the study without credentials: the last run’s description, and every study saved here (docs/folders.md)', async () => {
    const dir = tempDir();
    const m = await FolderManifest.load(nodeFolderTarget(dir));
    m.recordStudy({ bucket: 'old', prefix: 'x' });
    m.recordStudy({ bucket: 'b', prefix: 'p', selection: ['sub-01'], seed: 7, ...({ credentials: { secretAccessKey: 'S3CR3T' }, sessionToken: 'T0K' } as object) });
    await m.close();
    expect(readFileSync(join(dir, '.s3bids', 'manifest.json'), 'utf8')).not.toMatch(/S3CR3T|T0K/);
    expect(onDisk(dir).study).toEqual({ bucket: 'b', prefix: 'p', selection: ['sub-01'], seed: 7 });
    expect(onDisk(dir).studies).toEqual([{ bucket: 'old', prefix: 'x' }, { bucket: 'b', prefix: 'p', selection: ['sub-01'], seed: 7 }]);
  });

  it('coalesces updates: many changes, one write, holding the last state', async () => {
    const dir = tempDir();
    const { target, writes } = countingFolder(dir);
    const m = new FolderManifest(target, undefined, HOUR);
    for (let i = 0; i < 50; i++) m.recordSaved(file(`f${i}`));
    await tick();
    expect(writes).toHaveLength(0);
    // Several flushes asked for at once share one write.
    await Promise.all([m.flush(), m.flush(), m.flush()]);
    expect(writes).toHaveLength(1);
    expect(Object.keys((JSON.parse(writes[0]!) as Manifest).files)).toHaveLength(50);
    // Nothing changed since: closing writes once more at most, and the timer is gone.
    expect(await m.close()).toEqual([]);
    expect(writes.length).toBeLessThanOrEqual(2);
    expect(Object.keys(onDisk(dir).files)).toHaveLength(50);
  });

  it('writes a big file’s partial record at once (worth resuming after a crash), a small one’s later', async () => {
    const dir = tempDir();
    const { target, writes, nextWrite } = countingFolder(dir);
    const m = new FolderManifest(target, undefined, HOUR);
    m.recordPartial('small', { key: 'ds/small', etag: 'e', size: 1000 });
    await tick();
    expect(writes).toHaveLength(0);
    const written = nextWrite();
    m.recordPartial('big', { key: 'ds/big', etag: 'e', size: RECORD_AT_ONCE_BYTES });
    await written;
    expect(Object.keys(onDisk(dir).partial).sort()).toEqual(['big', 'small']);
    await m.close();
  });

  it('the writes that failed are what close() resolves with', async () => {
    const dir = tempDir();
    // The folder is a file: the manifest's folder cannot be made.
    writeFileSync(join(dir, 'not-a-folder'), '');
    const m = await FolderManifest.load(nodeFolderTarget(join(dir, 'not-a-folder')));
    m.recordSaved(file('a'));
    const errors = await m.close();
    expect(errors).toHaveLength(1);
    expect(isS3BIDSError(errors[0], 'Storage')).toBe(true);
  });
});
