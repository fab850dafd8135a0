// The folder lock over real temporary folders (Node targets): taken, refused while held, taken over when
// stale, kept fresh by its heartbeat, and released.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isS3BIDSError } from '../errors/index.ts';
import { acquireFolderLock, LOCK_PATH, LOCK_STALE_MS, type LockRecord } from './lock.ts';
import { nodeFolderTarget } from './node-folder.ts';
import type { SaveTarget } from './types.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 's3bids-lock-'));
const lockFile = (dir: string) => join(dir, ...LOCK_PATH.split('/'));
const held = (dir: string) => JSON.parse(readFileSync(lockFile(dir), 'utf8')) as LockRecord;
const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable('the lock was taken'), (e: unknown) => e);
// Heartbeats are far apart unless a test is about them; no settling wait where nothing races.
const QUIET = { heartbeatMs: 3_600_000, settleMs: 0 };

function writeLock(dir: string, record: LockRecord | string) {
  mkdirSync(join(dir, '.s3bids'), { recursive: true });
  writeFileSync(lockFile(dir), typeof record === 'string' ? record : JSON.stringify(record));
}
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('acquireFolderLock', () => {
  it('writes the lock file with its owner and heartbeat, and removes it on release', async () => {
    const dir = tempDir();
    const lock = await acquireFolderLock(nodeFolderTarget(dir), QUIET);
    const rec = held(dir);
    expect(rec.owner).toBe(lock.owner);
    expect(Date.parse(rec.heartbeat)).toBeGreaterThan(0);
    expect(Date.parse(rec.startedAt)).toBeGreaterThan(0);
    await lock.release();
    await lock.release();
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('refuses a second saver while the first holds the folder (another target over the same folder), then lets it in', async () => {
    const dir = tempDir();
    const first = await acquireFolderLock(nodeFolderTarget(dir), QUIET);
    const e = await failure(acquireFolderLock(nodeFolderTarget(dir), QUIET));
    expect(isS3BIDSError(e, 'Locked')).toBe(true);
    expect((e as Error).message).toMatch(/^This folder is already being saved into by another tab, window or program \(active \d+ s ago\)\. Wait for that save to finish or cancel it, or choose another folder\. A lock left by a closed tab expires after 30 s\.$/);
    expect(held(dir).owner).toBe(first.owner);
    await first.release();
    const second = await acquireFolderLock(nodeFolderTarget(dir), QUIET);
    expect(second.owner).not.toBe(first.owner);
    await second.release();
  });

  it('takes over a lock whose heartbeat is older than the stale limit; refuses a live one, saying how long ago it beat', async () => {
    const dir = tempDir();
    writeLock(dir, { owner: 'closed-tab', heartbeat: ago(LOCK_STALE_MS + 15_000), startedAt: ago(600_000) });
    const lock = await acquireFolderLock(nodeFolderTarget(dir), QUIET);
    expect(held(dir).owner).toBe(lock.owner);
    await lock.release();

    writeLock(dir, { owner: 'live-tab', heartbeat: ago(12_000), startedAt: ago(600_000) });
    const e = await failure(acquireFolderLock(nodeFolderTarget(dir), QUIET));
    expect((e as Error).message).toMatch(/active 12 s ago/);
    expect(held(dir).owner).toBe('live-tab');
    // The stale limit is an option.
    const soon = await acquireFolderLock(nodeFolderTarget(dir), { ...QUIET, staleMs: 5_000 });
    expect(held(dir).owner).toBe(soon.owner);
    await soon.release();
  });

  it('a torn or foreign lock file holds nobody', async () => {
    for (const junk of ['{"owner": "x", "heart', '[]', '{"owner": 3}', '']) {
      const dir = tempDir();
      writeLock(dir, junk);
      const lock = await acquireFolderLock(nodeFolderTarget(dir), QUIET);
      expect(held(dir).owner, junk).toBe(lock.owner);
      await lock.release();
    }
  });

  it('a lock this page released but could not remove (access lost meanwhile) does not lock the page out', async () => {
    const dir = tempDir();
    const real = nodeFolderTarget(dir);
    const stuck: SaveTarget = { ...real, remove: () => Promise.reject(new Error('folder no longer writable')) };
    const first = await acquireFolderLock(stuck, QUIET);
    await first.release();
    expect(held(dir).owner).toBe(first.owner);
    const again = await acquireFolderLock(real, QUIET);
    expect(held(dir).owner).toBe(again.owner);
    await again.release();
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('beats: the heartbeat moves on, by the timer and on demand; a beat into a deleted folder rejects', async () => {
    const dir = tempDir();
    const lock = await acquireFolderLock(nodeFolderTarget(dir), { heartbeatMs: 20, settleMs: 0 });
    const first = held(dir).heartbeat;
    await expect.poll(() => held(dir).heartbeat, { timeout: 120_000, interval: 10 }).not.toBe(first);
    await lock.release();

    const other = tempDir();
    const manual = await acquireFolderLock(nodeFolderTarget(other), QUIET);
    writeLock(other, { ...held(other), heartbeat: ago(20_000) });
    await manual.beat();
    expect(Date.parse(held(other).heartbeat)).toBeGreaterThan(Date.now() - 10_000);
    rmSync(other, { recursive: true });
    await expect(manual.beat()).rejects.toSatisfy((e) => isS3BIDSError(e, 'Storage'));
    await manual.release();
    expect(existsSync(other)).toBe(false);
  });

  it('with a settling wait, a saver whose write was overwritten backs off', async () => {
    const dir = tempDir();
    const real = nodeFolderTarget(dir);
    // Another saver writes its lock right after this one's: the last write wins.
    let intruded = false;
    const contested: SaveTarget = {
      ...real,
      async writeText(path, text) {
        await real.writeText(path, text);
        if (!intruded) {
          intruded = true;
          await real.writeText(path, JSON.stringify({ owner: 'other-window', heartbeat: new Date().toISOString(), startedAt: new Date().toISOString() }));
        }
      },
    };
    const e = await failure(acquireFolderLock(contested, { heartbeatMs: 3_600_000, settleMs: 5 }));
    expect(isS3BIDSError(e, 'Locked')).toBe(true);
    expect(held(dir).owner).toBe('other-window');
  });
});
