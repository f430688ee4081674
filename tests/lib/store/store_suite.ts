/**
 * The conformance suite every store implementation runs, through the {@linkcode Store} interface
 * only: atomic commit, never overwrite, partial and corrupt entries treated as absent,
 * verification, a lock a dead owner (or a process that reused its pid) does not keep, and a gc
 * that keeps what runs need and resumable checkpoints.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import type { Store } from "../../../lib/store/store.ts";
import type { KeyRecord } from "../../../lib/spec/key_record.ts";
import { gcSuite } from "./gc_suite.ts";
import { lockSuite } from "./lock_suite.ts";

const KEY = "a".repeat(64);
const record = { schema: 1 } as unknown as KeyRecord;
const info = (result = {}) => ({ step: "s", pipeline: "p", record, result, provenance: {} });

/** Runs a test body with a store in a fresh folder, removed afterwards. */
export type WithStore = (
  fn: (s: Store, root: string) => Promise<void>,
) => () => Promise<void>;

/** Register the suite for a store made by `make` (in a fresh folder). */
export function storeSuite(name: string, make: (root: string) => Store): void {
  const withStore: WithStore = (fn) => async () => {
    const root = await Deno.makeTempDir();
    try {
      await fn(make(root), root);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  };

  Deno.test(
    `${name}: commit writes files and a manifest with their checksums`,
    withStore(async (s) => {
      const m = await s.commit(KEY, async (dir) => {
        await Deno.writeTextFile(join(dir, "a.txt"), "hello");
        await Deno.mkdir(join(dir, "sub"));
        await Deno.writeFile(join(dir, "sub/b.bin"), new Uint8Array([1, 2, 3]));
        return info({ metric: 1 });
      });
      deepEqual(Object.keys(m.files).sort(), ["a.txt", "sub/b.bin"]);
      equal(m.files["a.txt"].size, 5);
      const found = await s.lookup(KEY);
      equal(found.status, "ok");
      deepEqual(await s.verify(KEY), []);
    }),
  );

  Deno.test(
    `${name}: a failing writer leaves no entry and no temporary folder`,
    withStore(async (s) => {
      await rejects(
        s.commit(KEY, async (dir) => {
          await Deno.writeTextFile(join(dir, "half.txt"), "partial");
          throw new Error("disk full");
        }),
        /disk full/,
      );
      equal((await s.lookup(KEY)).status, "missing");
      deepEqual([...Deno.readDirSync(s.layout.tmp)], []);
    }),
  );

  Deno.test(
    `${name}: a present key is never overwritten`,
    withStore(async (s) => {
      await s.commit(KEY, async (dir) => {
        await Deno.writeTextFile(join(dir, "v.txt"), "first");
        return info();
      });
      await s.commit(KEY, async (dir) => {
        await Deno.writeTextFile(join(dir, "v.txt"), "second");
        return info();
      });
      equal(await Deno.readTextFile(join(s.layout.entry(KEY), "v.txt")), "first");
    }),
  );

  Deno.test(
    `${name}: an entry without a manifest, or with a truncated file, is not used`,
    withStore(async (s) => {
      await Deno.mkdir(s.layout.entry(KEY), { recursive: true });
      await Deno.writeTextFile(join(s.layout.entry(KEY), "v.txt"), "orphan");
      const noManifest = await s.lookup(KEY);
      equal(noManifest.status, "corrupt");
      await s.remove(KEY);
      await s.commit(KEY, async (dir) => {
        await Deno.writeTextFile(join(dir, "v.txt"), "complete");
        return info();
      });
      await Deno.writeTextFile(join(s.layout.entry(KEY), "v.txt"), "comp");
      const truncated = await s.lookup(KEY);
      equal(truncated.status, "corrupt");
      ok(truncated.status === "corrupt" && truncated.problem.includes("v.txt"));
    }),
  );

  Deno.test(
    `${name}: lookup and verify catch a file whose bytes changed but size did not`,
    withStore(async (s) => {
      await s.commit(KEY, async (dir) => {
        await Deno.writeTextFile(join(dir, "v.txt"), "abcd");
        return info();
      });
      equal((await s.lookup(KEY)).status, "ok");
      await Deno.writeTextFile(join(s.layout.entry(KEY), "v.txt"), "abce");
      const found = await s.lookup(KEY);
      equal(found.status, "corrupt");
      ok(found.status === "corrupt" && found.problem.startsWith("v.txt: sha256"), found.problem);
      const problems = await s.verify(KEY);
      equal(problems.length, 1);
      ok(problems[0].startsWith("v.txt"));
    }),
  );

  Deno.test(
    `${name}: an edited value in the manifest makes the entry corrupt`,
    withStore(async (s) => {
      await s.commit(KEY, async (dir) => {
        await Deno.writeTextFile(join(dir, "v.txt"), "abcd");
        return info({ error: 0.5 });
      });
      const path = s.layout.manifest(KEY);
      const text = await Deno.readTextFile(path);
      await Deno.writeTextFile(path, text.replace('"error": 0.5', '"error": 0.1'));
      const found = await s.lookup(KEY);
      ok(found.status === "corrupt" && found.problem.includes("checksum"), JSON.stringify(found));
      ok((await s.verify(KEY))[0].startsWith("manifest.json"));
    }),
  );

  Deno.test(
    `${name}: quarantine moves a corrupt entry to trash with a note of why`,
    withStore(async (s) => {
      await s.commit(KEY, async (dir) => {
        await Deno.writeTextFile(join(dir, "v.txt"), "abcd");
        return info();
      });
      const to = await s.quarantine(KEY, "v.txt: sha256 differs");
      ok(to);
      equal((await s.lookup(KEY)).status, "missing");
      const note = JSON.parse(await Deno.readTextFile(s.layout.quarantineNote(to)));
      equal(note.why, "v.txt: sha256 differs");
      equal(await s.quarantine(KEY, "again"), undefined);
    }),
  );

  Deno.test(
    `${name}: commit replaces a corrupt entry`,
    withStore(async (s) => {
      await Deno.mkdir(s.layout.entry(KEY), { recursive: true });
      await s.commit(KEY, async (dir) => {
        await Deno.writeTextFile(join(dir, "v.txt"), "good");
        return info();
      });
      equal((await s.lookup(KEY)).status, "ok");
    }),
  );

  Deno.test(
    `${name}: the lock excludes a second owner and is released`,
    withStore(async (s) => {
      const a = await s.tryLock(KEY);
      ok(a);
      equal(await s.tryLock(KEY), undefined);
      equal(s.lockOwner(KEY)?.pid, Deno.pid);
      a.release();
      const b = await s.tryLock(KEY);
      ok(b);
      b.release();
    }),
  );

  Deno.test(
    `${name}: a lock whose owner died is broken`,
    withStore(async (s) => {
      await s.init();
      // A process that has exited: its pid no longer exists.
      const child = new Deno.Command("true").spawn();
      const { success } = await child.status;
      ok(success);
      await Deno.writeTextFile(
        s.layout.lock(KEY),
        JSON.stringify({ host: Deno.hostname(), pid: child.pid, since: "" }),
      );
      equal(s.lockOwner(KEY), undefined);
      const lock = await s.tryLock(KEY);
      ok(lock, "stale lock should be taken over");
      lock.release();
    }),
  );

  Deno.test(
    `${name}: a lock not refreshed for the stale period is broken (other hosts)`,
    withStore(async (s) => {
      await s.init();
      await Deno.writeTextFile(
        s.layout.lock(KEY),
        JSON.stringify({ host: "elsewhere", pid: 1, since: "" }),
      );
      const old = new Date(Date.now() - 120_000);
      await Deno.utime(s.layout.lock(KEY), old, old);
      const lock = await s.tryLock(KEY, { staleMs: 60_000 });
      ok(lock);
      lock.release();
    }),
  );

  lockSuite(name, withStore);
  gcSuite(name, withStore);
}
