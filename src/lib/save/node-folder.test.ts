// The Node folder target over real temporary folders: atomic small writes, streamed writes that append
// or truncate, moves into place, absent paths, and a folder deleted mid-run that is not made again.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { nodeFolderTarget } from './node-folder.ts';
import { folderFailure } from './storage-errors.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-node-folder-'));
const bytes = (s: string) => new TextEncoder().encode(s);

async function writeAll(w: WritableStream<Uint8Array>, ...chunks: string[]) {
  const writer = w.getWriter();
  for (const c of chunks) await writer.write(bytes(c));
  await writer.close();
}

async function readAll(r: ReadableStream<Uint8Array> | undefined): Promise<string> {
  expect(r).toBeDefined();
  return new Response(r).text();
}

const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable('the call succeeded'), (e: unknown) => e);

describe('nodeFolderTarget', () => {
  it('creates the folder on the first write, writes small files whole with their parents, and leaves no temporary file', async () => {
    const root = join(tempDir(), 'not-yet');
    const t = nodeFolderTarget(root);
    expect(t.kind).toBe('node');
    expect(await t.stat('a.json')).toBeUndefined();
    expect(existsSync(root)).toBe(false);
    await t.writeText('sub-01/anat/a.json', '{"a":1}');
    await t.writeText('sub-01/anat/a.json', '{"a":2}');
    // Writes of one file at once each complete; the last to finish wins.
    await Promise.all(['x', 'y', 'z'].map((v) => t.writeText('sub-01/anat/b.json', v)));
    expect(readFileSync(join(root, 'sub-01', 'anat', 'a.json'), 'utf8')).toBe('{"a":2}');
    expect(['x', 'y', 'z']).toContain(readFileSync(join(root, 'sub-01', 'anat', 'b.json'), 'utf8'));
    expect(readdirSync(join(root, 'sub-01', 'anat')).sort()).toEqual(['a.json', 'b.json']);
    expect(await t.readText('sub-01/anat/a.json')).toBe('{"a":2}');
    expect(await t.stat('sub-01/anat/a.json')).toEqual({ size: 7 });
  });

  it('answers "no file" for a missing path, a folder, and a path under a file; throws other read failures', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'folder'));
    writeFileSync(join(root, 'file'), 'x');
    const t = nodeFolderTarget(root);
    for (const p of ['missing.json', 'folder', 'file/below.json']) {
      expect(await t.stat(p), p).toBeUndefined();
      expect(await t.readText(p), p).toBeUndefined();
      expect(await t.openRead!(p), p).toBeUndefined();
    }
    // A name longer than the file system allows is no "missing file": the caller hears of it.
    const e = await failure(t.readText('n'.repeat(300)));
    expect(isS3BIDSError(e, 'Storage')).toBe(true);
    expect((e as Error).message).toBe(`Could not read "${'n'.repeat(300)}" (ENAMETOOLONG). Check the folder exists, is writable and has space.`);
  });

  it('streams into a file, appending for a resume or truncating for a restart, and moves it into place', async () => {
    const root = tempDir();
    const t = nodeFolderTarget(root);
    await writeAll(await t.openWrite('.s3bids/partial/sub-01/a.bin', { append: false }), 'hello ', 'wor');
    await writeAll(await t.openWrite('.s3bids/partial/sub-01/a.bin', { append: true }), 'ld');
    expect(await readAll(await t.openRead!('.s3bids/partial/sub-01/a.bin'))).toBe('hello world');
    writeFileSync(join(root, 'old.bin'), 'previous content');
    await t.move('.s3bids/partial/sub-01/a.bin', 'old.bin');
    await t.move('old.bin', 'sub-01/a.bin');
    expect(readFileSync(join(root, 'sub-01', 'a.bin'), 'utf8')).toBe('hello world');
    expect(existsSync(join(root, 'old.bin'))).toBe(false);
    await writeAll(await t.openWrite('sub-01/a.bin', { append: false }), 'new');
    expect(readFileSync(join(root, 'sub-01', 'a.bin'), 'utf8')).toBe('new');
    await t.remove('sub-01/a.bin');
    await t.remove('sub-01/a.bin');
    expect(await t.stat('sub-01/a.bin')).toBeUndefined();
  });

  it('refuses a path that would leave the folder', async () => {
    const root = tempDir();
    const t = nodeFolderTarget(join(root, 'inner'));
    for (const p of ['../escape.txt', 'a/../../escape.txt']) {
      const e = await failure(t.openWrite(p, { append: false }));
      expect(isS3BIDSError(e, 'UnsafePath'), p).toBe(true);
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('a folder deleted after the first write is not made again: the next write fails as "missing"', async () => {
    const root = join(tempDir(), 'study');
    const t = nodeFolderTarget(root);
    await t.writeText('sub-01/a.json', '{}');
    rmSync(root, { recursive: true });
    for (const attempt of [() => t.writeText('sub-02/b.json', '{}'), () => t.openWrite('sub-02/c.bin', { append: false }), () => t.move('sub-01/a.json', 'sub-02/a.json')]) {
      const e = await failure(attempt());
      expect(isS3BIDSError(e, 'Storage')).toBe(true);
      expect((e as Error).message).toMatch(/\(ENOENT\)\. Check the folder exists, is writable and has space\.$/);
      expect(folderFailure(e)).toBe('missing');
    }
    expect(existsSync(root)).toBe(false);
  });
});
