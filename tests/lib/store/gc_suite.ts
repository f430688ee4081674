/**
 * gc tests of the store suite: gc keeps what a live run claimed or a running step locked, keeps
 * resumable checkpoints unless asked, lists every work folder with its step, checkpoint and size,
 * and excludes runs from claiming while it decides.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import type { KeyRecord } from "../../../lib/spec/key_record.ts";
import { GcBusyError, type GcItem } from "../../../lib/store/gc.ts";
import { tryAcquireLock } from "../../../lib/store/lock.ts";
import type { Store } from "../../../lib/store/store.ts";
import type { WithStore } from "./store_suite.ts";

const K1 = "1".repeat(64), K2 = "2".repeat(64), K3 = "3".repeat(64);
const record = { schema: 1 } as unknown as KeyRecord;

async function commit(s: Store, key: string): Promise<void> {
  await s.commit(key, async (dir) => {
    await Deno.writeTextFile(join(dir, "v.txt"), key);
    return { step: "s", pipeline: "p", record, result: {}, provenance: {} };
  });
}

/** A work folder as a worker leaves it: spec, log and, optionally, a checkpoint. */
async function work(s: Store, key: string, step: string, at?: { epoch: number; batch: number }) {
  const f = s.layout.workFiles(key);
  await Deno.mkdir(f.dir, { recursive: true });
  await Deno.writeTextFile(
    f.spec,
    JSON.stringify({ pipeline: "p", key, step: { name: step, params: { epochs: 60 } } }),
  );
  await Deno.writeTextFile(f.log, "training\n");
  if (at) {
    await Deno.mkdir(f.checkpoint, { recursive: true });
    await Deno.writeTextFile(f.checkpointState, JSON.stringify({ ...at, lr: 0.1 }));
    await Deno.writeFile(f.checkpointOptimizer, new Uint8Array(4096));
  }
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const workItem = (items: GcItem[], key: string) =>
  items.find((i) => i.kind === "work" && i.name === key);

/** Register the gc tests. */
export function gcSuite(name: string, withStore: WithStore): void {
  Deno.test(
    `${name}: gc keeps a resumable checkpoint unless asked, listing its step, epoch and size`,
    withStore(async (s) => {
      await s.init();
      await work(s, K1, "gen1", { epoch: 30, batch: 5 });
      await work(s, K2, "gen2");
      const dry = await s.gc({ dryRun: true });
      const kept = workItem(dry.items, K1);
      equal(kept?.action, "keep");
      equal(kept?.step, "p:gen1");
      deepEqual(kept?.checkpoint, { epoch: 30, batch: 5, epochs: 60 });
      ok(kept!.size >= 4096, `size ${kept?.size}`);
      equal(workItem(dry.items, K2)?.action, "remove");
      equal(workItem(dry.items, K2)?.step, "p:gen2");
      ok(await exists(s.workDir(K2)), "a dry run deletes nothing");

      await s.gc({});
      deepEqual(await s.checkpointAt(K1), { epoch: 30, batch: 5 });
      ok(!await exists(s.workDir(K2)), "a work folder without a checkpoint goes");

      const all = await s.gc({ checkpoints: true });
      equal(workItem(all.items, K1)?.action, "remove");
      ok(!await exists(s.workDir(K1)));
      equal(await s.checkpointAt(K1), undefined);
    }),
  );

  Deno.test(
    `${name}: gc keeps the previous checkpoint a worker killed mid-save left aside`,
    withStore(async (s) => {
      await s.init();
      await work(s, K1, "gen1", { epoch: 7, batch: 3 });
      const f = s.layout.workFiles(K1);
      // Killed between the save's two renames: the previous checkpoint is aside, none in place.
      await Deno.rename(f.checkpoint, f.checkpointOld(4242));
      deepEqual(await s.checkpointAt(K1), { epoch: 7, batch: 3 });
      const report = await s.gc({});
      equal(workItem(report.items, K1)?.action, "keep");
      ok(await exists(f.checkpointOld(4242)));
    }),
  );

  Deno.test(
    `${name}: gc removes the work folder of a committed step and unreferenced entries`,
    withStore(async (s) => {
      await s.init();
      await commit(s, K1);
      await work(s, K1, "teacher", { epoch: 2, batch: 0 });
      await commit(s, K2);
      await s.rememberName("p", "kept", { key: K2 });
      const report = await s.gc({});
      equal(workItem(report.items, K1)?.action, "remove");
      equal(report.removed, 1);
      equal(report.kept, 1);
      deepEqual(await s.keys(), [K2]);
      ok(!await exists(s.workDir(K1)));
    }),
  );

  Deno.test(
    `${name}: gc keeps every key a live run claimed and the work folder of a running step`,
    withStore(async (s) => {
      await s.init();
      const claim = await s.claim([K1, K2], { what: "run p" });
      await commit(s, K1); // committed, not yet remembered by the run
      await work(s, K2, "gen1"); // spec written, worker not started yet
      const tmp = join(s.layout.tmp, `${s.layout.tmpPrefix(K2)}abc`);
      await Deno.mkdir(tmp); // a commit in progress
      await work(s, K3, "gen2"); // a worker holds the lock
      const lock = await s.tryLock(K3);
      ok(lock);
      try {
        const report = await s.gc({});
        equal(report.removed, 0);
        deepEqual(await s.keys(), [K1]);
        ok(await exists(s.workDir(K2)));
        ok(await exists(tmp));
        ok(await exists(s.workDir(K3)));
        ok(workItem(report.items, K3)?.why.startsWith("running"));
        ok(workItem(report.items, K2)?.why.includes("run p"));
      } finally {
        lock.release();
        claim.release();
      }
      await s.gc({});
      deepEqual(await s.keys(), []);
      ok(!await exists(s.workDir(K2)));
      ok(!await exists(tmp));
      ok(!await exists(s.workDir(K3)));
    }),
  );

  Deno.test(
    `${name}: a run's claim waits while a gc decides, and a second gc is refused`,
    withStore(async (s) => {
      await s.init();
      const gcLock = tryAcquireLock(s.layout.gcLock, { what: "cache gc" });
      ok(gcLock);
      let claimed = false, told = false;
      const pending = s.claim([K1], { onWait: () => told = true }).then((c) => {
        claimed = true;
        return c;
      });
      await new Promise((r) => setTimeout(r, 500));
      equal(claimed, false, "the claim must wait for the gc");
      ok(told);
      await rejects(s.gc({}), GcBusyError);
      gcLock.release();
      const claim = await pending;
      await commit(s, K1);
      await s.gc({});
      deepEqual(await s.keys(), [K1], "gc after the claim sees it");
      claim.release();
    }),
  );

  Deno.test(
    `${name}: gc forgets the claims of runs that died`,
    withStore(async (s) => {
      await s.init();
      const child = new Deno.Command("true").spawn();
      await child.status;
      const dead = s.layout.runClaim("dead-run");
      await Deno.writeTextFile(
        dead,
        JSON.stringify({ host: Deno.hostname(), pid: child.pid, since: "", keys: [K1] }),
      );
      await commit(s, K1);
      await s.gc({});
      deepEqual(await s.keys(), []);
      ok(!await exists(dead));
    }),
  );
}
