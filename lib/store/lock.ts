/**
 * A per-key lock that a dead owner does not hold forever. The lock is a file created with
 * O_EXCL holding the owner's host, pid and start time; the owner touches it every few seconds.
 * A lock is stale when its owner's process is gone (same host) or it has not been touched for
 * `staleMs` (any host: cluster nodes sharing the cache).
 *
 * @module
 */
import { hostname } from "node:os";
import { processAlive } from "../util/process.ts";

/** What a lock file says about its owner. */
export interface LockOwner {
  host: string;
  pid: number;
  since: string;
  /** What holds it ("train gen1"), for messages. */
  what?: string;
}

/** Options for {@linkcode acquireLock}. */
export interface LockOptions {
  /** A lock untouched this long is stale. Default 60 s. */
  staleMs?: number;
  /** How often the owner touches the lock. Default 5 s. */
  heartbeatMs?: number;
  what?: string;
}

/** A held lock. */
export interface HeldLock {
  owner: LockOwner;
  release(): void;
}

/** Read the owner of a lock file, or undefined if absent/unreadable. */
export function readLock(path: string): (LockOwner & { mtimeMs: number }) | undefined {
  try {
    const stat = Deno.statSync(path);
    const owner = JSON.parse(Deno.readTextFileSync(path)) as LockOwner;
    return { ...owner, mtimeMs: stat.mtime?.getTime() ?? 0 };
  } catch {
    return undefined;
  }
}

/** Whether the lock at `path` is held by a live owner. */
export function lockIsLive(path: string, staleMs = 60_000): boolean {
  const owner = readLock(path);
  if (!owner) return false;
  // On this host the owner's process decides; the heartbeat is for owners on other hosts
  // (cluster nodes sharing the cache), whose processes cannot be seen from here.
  if (owner.host === hostname()) return processAlive(owner.pid);
  return Date.now() - owner.mtimeMs < staleMs;
}

/** Try to take the lock; returns undefined when a live owner holds it. Stale locks are broken. */
export function tryAcquireLock(path: string, options: LockOptions = {}): HeldLock | undefined {
  const staleMs = options.staleMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const owner: LockOwner = {
    host: hostname(),
    pid: Deno.pid,
    since: new Date().toISOString(),
    what: options.what,
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const f = Deno.openSync(path, { write: true, createNew: true });
      f.writeSync(new TextEncoder().encode(JSON.stringify(owner)));
      f.close();
      const timer = setInterval(() => {
        try {
          const now = new Date();
          Deno.utimeSync(path, now, now);
        } catch { /* lock removed under us: nothing to refresh */ }
      }, heartbeatMs);
      Deno.unrefTimer(timer);
      let released = false;
      return {
        owner,
        release() {
          if (released) return;
          released = true;
          clearInterval(timer);
          const current = readLock(path);
          if (current && current.pid === owner.pid && current.host === owner.host) {
            try {
              Deno.removeSync(path);
            } catch { /* already gone */ }
          }
        },
      };
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      if (lockIsLive(path, staleMs)) return undefined;
      // Stale: break it by renaming (atomic) so two breakers cannot both delete a fresh lock.
      try {
        Deno.renameSync(path, `${path}.stale-${Deno.pid}`);
        Deno.removeSync(`${path}.stale-${Deno.pid}`);
      } catch { /* someone else broke it first */ }
    }
  }
  return undefined;
}
