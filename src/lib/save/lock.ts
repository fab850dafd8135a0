// `.s3bids/lock.json`: one save at a time per folder, across tabs, windows and processes. Two savers
// in one folder would race on the manifest and on the same partial files.
import { S3BIDSError } from '../errors/index.ts';
import { APP_DIR } from './app-folder.ts';
import type { SaveTarget } from './types.ts';

export const LOCK_PATH = `${APP_DIR}/lock.json`;
/** A lock whose heartbeat is older than this was left by a tab or process that died: take it over. */
export const LOCK_STALE_MS = 30_000;
export const LOCK_HEARTBEAT_MS = 5_000;

export interface LockRecord {
  owner: string;
  /** ISO time of the last heartbeat. */
  heartbeat: string;
  startedAt: string;
}

export interface LockOptions {
  staleMs?: number;
  heartbeatMs?: number;
  /** Wait after writing before checking the write won (only where Web Locks cannot serialise). */
  settleMs?: number;
}

export interface FolderLock {
  readonly owner: string;
  /** Writes a fresh heartbeat now; rejects when the folder can no longer be written. */
  beat(): Promise<void>;
  /** Stops the heartbeat and removes the lock file if it is still ours. */
  release(): Promise<void>;
}

type Locks = { request<T>(name: string, cb: () => Promise<T>): Promise<T> };
const webLocks = (): Locks | undefined => (globalThis.navigator as { locks?: Locks } | undefined)?.locks;

async function readLock(target: SaveTarget): Promise<LockRecord | undefined> {
  const text = await target.readText(LOCK_PATH).catch(() => undefined);
  if (!text) return undefined;
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    return typeof r.owner === 'string' && typeof r.heartbeat === 'string' ? (r as LockRecord) : undefined;
  } catch {
    // A torn or foreign file is not a lock anyone can be holding.
    return undefined;
  }
}

// Locks this page released, even where the file could not be removed (access revoked mid-run): a
// retry from the same page must not find itself locked out by its own leftover for 30 s.
const releasedHere = new Set<string>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function newOwner(): string {
  const c = globalThis.crypto as Crypto | undefined;
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function busy(held: LockRecord, now: number): S3BIDSError {
  const ago = Math.max(0, Math.round((now - Date.parse(held.heartbeat)) / 1000));
  return new S3BIDSError(
    'Locked',
    `This folder is already being saved into by another tab, window or program (active ${ago} s ago). ` +
      'Wait for that save to finish or cancel it, or choose another folder. A lock left by a closed tab expires after 30 s.',
  );
}

/**
 * Takes the folder's lock, or throws `Locked` when another live saver holds it. A stale lock is taken
 * over. Web Locks (same-origin tabs) serialise the check-and-write; the file itself is what other
 * windows and processes see.
 */
export async function acquireFolderLock(target: SaveTarget, opts: LockOptions = {}): Promise<FolderLock> {
  const staleMs = opts.staleMs ?? LOCK_STALE_MS;
  const heartbeatMs = opts.heartbeatMs ?? LOCK_HEARTBEAT_MS;
  const locks = webLocks();
  const settleMs = opts.settleMs ?? (locks ? 0 : 100);
  const owner = newOwner();
  const startedAt = new Date().toISOString();
  const write = () => target.writeText(LOCK_PATH, JSON.stringify({ owner, heartbeat: new Date().toISOString(), startedAt } satisfies LockRecord));

  const take = async () => {
    const held = await readLock(target);
    const now = Date.now();
    if (held && held.owner !== owner && !releasedHere.has(held.owner) && now - Date.parse(held.heartbeat) < staleMs) throw busy(held, now);
    await write();
    if (settleMs > 0) {
      // Two savers that read "free" at once both write; the last write wins and the other backs off.
      await sleep(settleMs);
      const after = await readLock(target);
      if (after && after.owner !== owner && !releasedHere.has(after.owner)) throw busy(after, Date.now());
    }
  };
  if (locks) await locks.request('s3bids-folder-lock', take);
  else await take();

  let released = false;
  let inflight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inflight = write().catch(() => undefined);
  }, heartbeatMs);
  return {
    owner,
    async beat() {
      if (!released) await write();
    },
    async release() {
      if (released) return;
      released = true;
      releasedHere.add(owner);
      clearInterval(timer);
      // A heartbeat landing after the removal would leave a fresh lock behind.
      await inflight;
      const held = await readLock(target);
      if (held?.owner === owner) await target.remove(LOCK_PATH).catch(() => undefined);
    },
  };
}
