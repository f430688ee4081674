/**
 * A per-key lock that a dead owner does not hold forever. The lock is a file created with
 * O_EXCL naming its owner by host, boot id, pid and the process's start time; the owner touches
 * it every few seconds. A lock is stale when its owner is gone: on this host, when the boot id
 * differs (the owner ran before a reboot), no process has the pid, or the process with that pid
 * started at another time than the owner (the pid was reused); on another host (cluster nodes
 * sharing the cache), when it has not been touched for `staleMs`. Lock files written before the
 * boot id and start time were recorded are judged by their `since`: a process that started after
 * the lock was taken cannot be its owner.
 *
 * @module
 */
import { hostname } from "node:os";
import { bootId, ownStartMs, processInfo } from "../util/process.ts";

/** What a lock file says about its owner. */
export interface LockOwner {
  host: string;
  pid: number;
  /** When the lock was taken (ISO time). */
  since: string;
  /** The kernel's boot id on the owner's host, when it could be read. */
  boot?: string;
  /** The owner process's start time (ISO time, whole seconds), when `ps` could tell. */
  started?: string;
  /** What holds it ("train gen1"), for messages. */
  what?: string;
}

/**
 * Start times from `ps` have whole seconds and follow wall-clock steps of the boot time, so two
 * readings of the same process may differ by a second or two.
 */
const START_SLACK_MS = 2_000;

/** This process as a lock owner. */
export function ownLockOwner(what?: string): LockOwner {
  const started = ownStartMs();
  return {
    host: hostname(),
    pid: Deno.pid,
    since: new Date().toISOString(),
    boot: bootId(),
    started: started === undefined ? undefined : new Date(started).toISOString(),
    what,
  };
}

/** Whether the process an owner record names still runs on this host (same boot, same start). */
export function ownerAlive(owner: LockOwner): boolean {
  const boot = bootId();
  if (owner.boot && boot && owner.boot !== boot) return false;
  const info = processInfo(owner.pid);
  if (!info) return false;
  if (info.startedMs === undefined) return true; // no ps: the pid is all there is to go on
  if (owner.started) {
    const started = Date.parse(owner.started);
    if (!Number.isNaN(started)) return Math.abs(info.startedMs - started) <= START_SLACK_MS;
  }
  const since = Date.parse(owner.since);
  return Number.isNaN(since) || info.startedMs <= since + START_SLACK_MS;
}

/** Whether an owner record (from a lock or claim file touched at `mtimeMs`) is live. */
export function ownerLive(owner: LockOwner, mtimeMs: number, staleMs = 60_000): boolean {
  // On this host the owner's process decides; the heartbeat is for owners on other hosts
  // (cluster nodes sharing the cache), whose processes cannot be seen from here.
  if (owner.host === hostname()) return ownerAlive(owner);
  return Date.now() - mtimeMs < staleMs;
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
    if (typeof owner?.host !== "string" || typeof owner.pid !== "number") return undefined;
    return { ...owner, mtimeMs: stat.mtime?.getTime() ?? 0 };
  } catch {
    return undefined;
  }
}

/** Age of the file at `path` in ms, or undefined when it is absent. */
function ageMs(path: string): number | undefined {
  try {
    return Date.now() - (Deno.statSync(path).mtime?.getTime() ?? 0);
  } catch {
    return undefined;
  }
}

/** Whether the lock at `path` is held by a live owner. */
export function lockIsLive(path: string, staleMs = 60_000): boolean {
  const owner = readLock(path);
  if (owner) return ownerLive(owner, owner.mtimeMs, staleMs);
  // A lock file that cannot be read may be one its owner is still writing: live while fresh.
  const age = ageMs(path);
  return age !== undefined && age < staleMs;
}

/** Try to take the lock; returns undefined when a live owner holds it. Stale locks are broken. */
export function tryAcquireLock(path: string, options: LockOptions = {}): HeldLock | undefined {
  const staleMs = options.staleMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const owner = ownLockOwner(options.what);
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
          if (
            current && current.pid === owner.pid && current.host === owner.host &&
            current.since === owner.since
          ) {
            try {
              Deno.removeSync(path);
            } catch { /* already gone */ }
          }
        },
      };
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      if (lockIsLive(path, staleMs)) return undefined;
      if (!breakStale(path, owner, staleMs)) return undefined;
    }
  }
  return undefined;
}

/**
 * Remove the stale lock at `path`, one breaker at a time: without that, a second process that
 * judged the same stale lock could remove the fresh lock the first took after breaking it, and
 * both would hold it. The breaker holds `<path>.break` (O_EXCL, naming it as a lock does) and
 * judges the lock again under it. Returns false when another live process is breaking it.
 */
function breakStale(path: string, owner: LockOwner, staleMs: number, retry = true): boolean {
  const guard = `${path}.break`;
  try {
    const f = Deno.openSync(guard, { write: true, createNew: true });
    f.writeSync(new TextEncoder().encode(JSON.stringify(owner)));
    f.close();
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    if (lockIsLive(guard, staleMs) || !retry) return false;
    // A breaker that died left its guard: clear it and try once more.
    removeIfPresent(guard);
    return breakStale(path, owner, staleMs, false);
  }
  try {
    if (!lockIsLive(path, staleMs)) removeIfPresent(path);
  } finally {
    removeIfPresent(guard);
  }
  return true;
}

function removeIfPresent(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}
