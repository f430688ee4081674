/**
 * Remembered file hashes: a file whose size, mtime and inode are unchanged is not read again (its
 * hash comes from `hashes/<key>.json`, shared between processes), any write that changes one of
 * them is caught by `lookup`, `verify` always reads the bytes, and a file hashed too soon after
 * its last write is not trusted later.
 */
import { equal, ok } from "node:assert/strict";
import { join } from "node:path";
import type { KeyRecord } from "../../../lib/spec/key_record.ts";
import { LocalStore } from "../../../lib/store/local_store.ts";

const KEY = "b".repeat(64);
const info = () => ({
  step: "s",
  pipeline: "p",
  record: { schema: 1 } as unknown as KeyRecord,
  result: {},
  provenance: {},
});

async function withEntry(fn: (root: string, file: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    const store = new LocalStore(root);
    await store.commit(KEY, async (dir) => {
      await Deno.writeTextFile(join(dir, "w.bin"), "0123456789");
      return info();
    });
    await fn(root, join(store.entryDir(KEY), "w.bin"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Write `text` over `path` in place, then put its old mtime back (damage a hash cannot see). */
async function overwriteKeepingStamp(path: string, text: string): Promise<void> {
  const st = await Deno.stat(path);
  using f = await Deno.open(path, { write: true });
  await f.write(new TextEncoder().encode(text));
  await Deno.utime(path, st.atime!, st.mtime!);
}

Deno.test("a settled file's hash is remembered across stores; verify reads the bytes anyway", () =>
  withEntry(async (root, file) => {
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(file, old, old);
    equal((await new LocalStore(root).lookup(KEY)).status, "ok");
    const side = new LocalStore(root).layout.hashRecord(KEY);
    ok((await Deno.stat(side)).isFile, "the hashes were written beside the entry");

    await overwriteKeepingStamp(file, "0123456780");
    // A fresh store (another process) trusts the remembered hash: size, mtime, inode unchanged.
    const fresh = new LocalStore(root);
    equal((await fresh.lookup(KEY)).status, "ok");
    const problems = await fresh.verify(KEY);
    equal(problems.length, 1);
    ok(problems[0].startsWith("w.bin: sha256"), problems[0]);
    // Once verify has read the bytes, lookup sees the damage too.
    equal((await fresh.lookup(KEY)).status, "corrupt");
  }));

Deno.test("a write that changes the mtime is caught by lookup even with a remembered hash", () =>
  withEntry(async (root, file) => {
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(file, old, old);
    const store = new LocalStore(root);
    equal((await store.lookup(KEY)).status, "ok");
    await Deno.writeTextFile(file, "0123456780");
    const found = await store.lookup(KEY);
    ok(found.status === "corrupt" && found.problem.startsWith("w.bin: sha256"));
  }));

Deno.test("a file hashed right after it was written is read again next time", () =>
  withEntry(async (root, file) => {
    const store = new LocalStore(root);
    equal((await store.lookup(KEY)).status, "ok");
    // Same size, same mtime (within the clock tick of the first hashing), other bytes.
    await overwriteKeepingStamp(file, "0123456780");
    equal((await store.lookup(KEY)).status, "corrupt");
  }));

Deno.test("gc removes an entry's remembered hashes with the entry", () =>
  withEntry(async (root, file) => {
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(file, old, old);
    const store = new LocalStore(root);
    equal((await store.lookup(KEY)).status, "ok");
    const side = store.layout.hashRecord(KEY);
    ok((await Deno.stat(side)).isFile);
    const report = await store.gc({ dryRun: false, checkpoints: false });
    equal(report.removed, 1);
    equal(await Deno.stat(side).then(() => true, () => false), false);
  }));

Deno.test("an entry with a format-1 manifest (no checksum) is read as valid, its files checked", () =>
  withEntry(async (root, file) => {
    const store = new LocalStore(root);
    const path = store.layout.manifest(KEY);
    const { checksum: _, ...m } = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(path, JSON.stringify({ ...m, format: 1 }));
    const found = await store.lookup(KEY);
    ok(found.status === "ok" && found.manifest.format === 1);
    // A format-2 manifest without its checksum is not taken for an old one.
    await Deno.writeTextFile(path, JSON.stringify({ ...m, format: 2 }));
    equal((await store.lookup(KEY)).status, "corrupt");
    await Deno.writeTextFile(path, JSON.stringify({ ...m, format: 1 }));
    await Deno.writeTextFile(file, "0123456780");
    equal((await store.lookup(KEY)).status, "corrupt");
  }));
