/**
 * Lock tests of the store suite: an owner is a process named by host, boot id and start time, so a
 * live process that reused a dead owner's pid does not hold the lock, and a live owner does.
 */
import { equal, ok } from "node:assert/strict";
import { hostname } from "node:os";
import { ownLockOwner } from "../../../lib/store/lock.ts";
import { bootId, parseLstart, processInfo } from "../../../lib/util/process.ts";
import type { WithStore } from "./store_suite.ts";

const KEY = "b".repeat(64);

/** A live process unrelated to any lock: `sleep`, ended by the caller. */
function sleeper(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["60"], stdout: "null", stderr: "null" }).spawn();
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch { /* gone */ }
  await child.status;
}

/** The start time `ps` reports for `pid`, as a lock records it. */
function startedIso(pid: number): string {
  const ms = processInfo(pid)?.startedMs;
  ok(ms !== undefined, `ps reports no start time for ${pid}`);
  return new Date(ms).toISOString();
}

/** Whether `ps` tells process start times here (the checks fall back to pids without it). */
const HAS_PS = processInfo(Deno.pid)?.startedMs !== undefined;

/** A test that needs `ps`: skipped where it is missing. */
function psTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, ignore: !HAS_PS, fn });
}

/** Register the lock tests. */
export function lockSuite(name: string, withStore: WithStore): void {
  Deno.test(`${name}: ps start times parse (C locale, UTC)`, () => {
    equal(parseLstart("Fri Dec  4 19:26:09 2026"), Date.UTC(2026, 11, 4, 19, 26, 9));
    equal(parseLstart("Mon Jan 12 01:02:03 2026"), Date.UTC(2026, 0, 12, 1, 2, 3));
    equal(parseLstart("yesterday"), undefined);
  });

  psTest(
    `${name}: a lock naming a live process with another start time is stale (a reused pid) (needs ps)`,
    withStore(async (s) => {
      await s.init();
      const other = sleeper();
      try {
        await Deno.writeTextFile(
          s.layout.lock(KEY),
          JSON.stringify({
            host: hostname(),
            pid: other.pid,
            since: new Date().toISOString(),
            boot: bootId(),
            started: "2001-02-03T04:05:06.000Z",
          }),
        );
        equal(s.lockOwner(KEY), undefined);
        const lock = await s.tryLock(KEY);
        ok(lock, "a lock whose pid now belongs to another process should be taken over");
        lock.release();
      } finally {
        await stop(other);
      }
    }),
  );

  psTest(
    `${name}: a lock naming a live process with its start time is respected (needs ps)`,
    withStore(async (s) => {
      await s.init();
      const owner = sleeper();
      try {
        await Deno.writeTextFile(
          s.layout.lock(KEY),
          JSON.stringify({
            host: hostname(),
            pid: owner.pid,
            since: new Date().toISOString(),
            boot: bootId(),
            started: startedIso(owner.pid),
          }),
        );
        equal(s.lockOwner(KEY)?.pid, owner.pid);
        equal(await s.tryLock(KEY), undefined);
      } finally {
        await stop(owner);
      }
      equal(s.lockOwner(KEY), undefined, "the owner has exited");
    }),
  );

  Deno.test({
    name: `${name}: a lock taken before this boot is stale even if its pid runs with that start ` +
      `time (needs ps and the boot id)`,
    ignore: !HAS_PS || !bootId(),
    fn: withStore(async (s) => {
      await s.init();
      const boot = bootId();
      ok(boot, "the boot id is readable");
      await Deno.writeTextFile(
        s.layout.lock(KEY),
        JSON.stringify({
          host: hostname(),
          pid: Deno.pid,
          since: new Date().toISOString(),
          boot: boot.replace(/^./, (c) => c === "0" ? "1" : "0"),
          started: startedIso(Deno.pid),
        }),
      );
      equal(s.lockOwner(KEY), undefined);
    }),
  });

  psTest(
    `${name}: an old lock without boot id or start time is judged by when it was taken (needs ps)`,
    withStore(async (s) => {
      await s.init();
      const other = sleeper();
      try {
        const since = (ms: number) => new Date(ms).toISOString();
        const write = (sinceMs: number) =>
          Deno.writeTextFile(
            s.layout.lock(KEY),
            JSON.stringify({ host: hostname(), pid: other.pid, since: since(sinceMs) }),
          );
        // Taken an hour before the process with that pid started: not its owner.
        await write(Date.now() - 3_600_000);
        equal(s.lockOwner(KEY), undefined);
        // Taken after the process started: it may be the owner, so it is respected.
        await write(Date.now() + 5_000);
        equal(s.lockOwner(KEY)?.pid, other.pid);
        equal(await s.tryLock(KEY), undefined);
      } finally {
        await stop(other);
      }
    }),
  );

  Deno.test(
    `${name}: a stale lock another live process is breaking is left to it`,
    withStore(async (s) => {
      await s.init();
      const dead = new Deno.Command("true").spawn();
      await dead.status;
      const stale = JSON.stringify({ host: hostname(), pid: dead.pid, since: "" });
      await Deno.writeTextFile(s.layout.lock(KEY), stale);
      // Another process holds the breaker's guard (here: this one, as a live owner).
      const guard = `${s.layout.lock(KEY)}.break`;
      await Deno.writeTextFile(guard, JSON.stringify(ownLockOwner("breaking")));
      equal(await s.tryLock(KEY), undefined);
      equal(await Deno.readTextFile(s.layout.lock(KEY)), stale, "the lock is left to the breaker");
      // A guard whose breaker died is cleared, and the stale lock broken.
      await Deno.writeTextFile(guard, stale);
      const lock = await s.tryLock(KEY);
      ok(lock);
      lock.release();
      equal(await Deno.stat(guard).catch(() => undefined), undefined);
    }),
  );

  Deno.test(
    `${name}: a lock file its owner is still writing is not broken while fresh`,
    withStore(async (s) => {
      await s.init();
      await Deno.writeTextFile(s.layout.lock(KEY), "");
      equal(await s.tryLock(KEY, { staleMs: 60_000 }), undefined);
      const old = new Date(Date.now() - 120_000);
      await Deno.utime(s.layout.lock(KEY), old, old);
      const lock = await s.tryLock(KEY, { staleMs: 60_000 });
      ok(lock, "an unreadable lock untouched for the stale period is broken");
      lock.release();
    }),
  );
}
