/**
 * The local content store: the {@linkcode Store} on a local (or shared) filesystem, laid out as
 * `layout.ts` describes. A key that is present is never overwritten; partial or corrupt entries
 * count as absent.
 *
 * @module
 */
import { join } from "node:path";
import { claimKeys, type ClaimOptions, type RunClaim } from "./claim.ts";
import { collectGarbage, type GcOptions, type GcReport } from "./gc.ts";
import { CacheLayout, checkpointFiles } from "./layout.ts";
import { type HeldLock, lockIsLive, type LockOptions, readLock, tryAcquireLock } from "./lock.ts";
import { EntryHashes, hashFile } from "./integrity.ts";
import { type Manifest, type ManifestFile, parseManifest, sealManifest } from "./manifest.ts";
import type { CheckpointPosition, Store } from "./store.ts";

/** What `lookup` found. */
export type Lookup =
  | { status: "ok"; dir: string; manifest: Manifest }
  | { status: "missing" }
  | { status: "corrupt"; dir: string; problem: string };

/** What a commit writer returns besides its files. */
export interface CommitInfo {
  step: string;
  pipeline: string;
  record: Manifest["record"];
  result: Manifest["result"];
  provenance: Manifest["provenance"];
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(dir, rel));
    else if (e.isFile) out.push(rel);
  }
  return out.sort();
}

/** A content store on a local (or shared) filesystem. */
export class LocalStore implements Store {
  readonly layout: CacheLayout;
  /** Files' hashes by size, mtime and inode, so checking an entry before each use is cheap. */
  readonly #hashes: EntryHashes;

  constructor(readonly root: string) {
    this.layout = new CacheLayout(root);
    this.#hashes = new EntryHashes((key) => this.layout.hashRecord(key));
  }

  /** Folder of a committed entry. */
  entryDir(key: string): string {
    return this.layout.entry(key);
  }
  /** Folder for a step in progress: checkpoints, spec, logs. */
  workDir(key: string): string {
    return this.layout.workDir(key);
  }
  lockPath(key: string): string {
    return this.layout.lock(key);
  }

  /** Make the folders; call before anything else writes. */
  async init(): Promise<void> {
    for (const d of this.layout.folders()) await Deno.mkdir(d, { recursive: true });
  }

  /**
   * Where the checkpoint of `key`'s step in progress stopped, if it has one: the checkpoint in
   * place, or the previous one a worker killed mid-save left as `checkpoint.old-<pid>` (which the
   * next worker puts back).
   */
  async checkpointAt(key: string): Promise<CheckpointPosition | undefined> {
    const files = this.layout.workFiles(key);
    const candidates = [files.checkpointState];
    try {
      for await (const e of Deno.readDir(files.dir)) {
        if (files.isCheckpointOld(e.name)) {
          candidates.push(checkpointFiles(files.child(e.name)).state);
        }
      }
    } catch { /* no work folder */ }
    for (const path of candidates) {
      try {
        const s = JSON.parse(await Deno.readTextFile(path));
        if (typeof s?.epoch === "number") return { epoch: s.epoch, batch: s.batch ?? 0 };
      } catch { /* absent or unreadable: try the next */ }
    }
    return undefined;
  }

  /** Claim the keys of a run's plan, so that gc keeps them until the claim is released. */
  claim(keys: string[], options?: ClaimOptions): Promise<RunClaim> {
    return claimKeys(this.layout, keys, options);
  }

  /** Remove what no pipeline step, live run or running step needs (see `gc.ts`). */
  gc(options: GcOptions): Promise<GcReport> {
    return collectGarbage(this, options);
  }

  /** Move an entry out of the cache (it then counts as absent). */
  async remove(key: string): Promise<void> {
    await this.trash(key);
  }

  /**
   * Find an entry and check it: its manifest's checksum, every file's size and SHA-256 (hashes
   * remembered by size, mtime and inode are reused, see `integrity.ts`). A corrupt entry names
   * each bad file.
   */
  lookup(key: string): Promise<Lookup> {
    return this.#check(key, false);
  }

  /** Check an entry reading every file again; returns problems (empty = valid). */
  async verify(key: string): Promise<string[]> {
    const found = await this.#check(key, true);
    if (found.status === "missing") return ["entry is missing"];
    if (found.status === "corrupt") return found.problem.split("; ");
    return [];
  }

  async #check(key: string, fresh: boolean): Promise<Lookup> {
    const dir = this.entryDir(key);
    let text: string;
    try {
      text = await Deno.readTextFile(this.layout.manifest(key));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      try {
        await Deno.stat(dir);
        return { status: "corrupt", dir, problem: "entry has no manifest" };
      } catch {
        return { status: "missing" };
      }
    }
    const m = parseManifest(text, key);
    if (typeof m === "string") return { status: "corrupt", dir, problem: m };
    const problems: string[] = [];
    for (const [rel, f] of Object.entries(m.files)) {
      let st: Deno.FileInfo;
      try {
        st = await Deno.stat(join(dir, rel));
      } catch {
        problems.push(`${rel} is missing`);
        continue;
      }
      if (st.size !== f.size) {
        problems.push(`${rel} is ${st.size} bytes, manifest says ${f.size}`);
        continue;
      }
      const got = await this.#hashes.sha256(key, dir, rel, st, fresh);
      if (got !== f.sha256) {
        problems.push(`${rel}: sha256 ${got.slice(0, 12)}… != manifest ${f.sha256.slice(0, 12)}…`);
      }
    }
    await this.#hashes.save(key);
    if (problems.length) return { status: "corrupt", dir, problem: problems.join("; ") };
    return { status: "ok", dir, manifest: m };
  }

  /**
   * Commit outputs atomically: `write` fills a fresh temporary folder, every file is hashed, the
   * manifest is written last, and the folder is renamed into place. If a valid entry appeared
   * meanwhile it is kept and the new outputs are discarded; a corrupt one is moved to trash.
   */
  async commit(key: string, write: (dir: string) => Promise<CommitInfo>): Promise<Manifest> {
    await this.init();
    const tmp = await Deno.makeTempDir({
      dir: this.layout.tmp,
      prefix: this.layout.tmpPrefix(key),
    });
    try {
      const info = await write(tmp);
      const files: Record<string, ManifestFile> = {};
      for (const rel of await listFiles(tmp)) {
        if (rel === "manifest.json") throw new Error("a step may not write manifest.json itself");
        files[rel] = await hashFile(join(tmp, rel));
      }
      const manifest = sealManifest({
        key,
        step: info.step,
        pipeline: info.pipeline,
        record: info.record,
        files,
        result: info.result,
        provenance: info.provenance,
        createdAt: new Date().toISOString(),
      });
      const text = JSON.stringify(manifest, null, 2);
      using f = await Deno.open(join(tmp, "manifest.json"), { write: true, createNew: true });
      await f.write(new TextEncoder().encode(text));
      await f.syncData();
      const existing = await this.lookup(key);
      if (existing.status === "ok") return existing.manifest;
      if (existing.status === "corrupt") await this.trash(key, existing.problem);
      await Deno.rename(tmp, this.entryDir(key));
      return manifest;
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }

  /**
   * Move an entry aside (corrupt entries, `--force`); with `why`, a note saying so is left in
   * it. Returns where it went, or undefined if there was no entry.
   */
  async trash(key: string, why?: string): Promise<string | undefined> {
    await Deno.mkdir(this.layout.trash, { recursive: true });
    const to = this.layout.trashFor(key, Date.now());
    try {
      await Deno.rename(this.entryDir(key), to);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    }
    await this.#hashes.forget(key);
    if (why !== undefined) {
      const note = { key, why, movedAt: new Date().toISOString(), by: Deno.pid };
      await Deno.writeTextFile(this.layout.quarantineNote(to), JSON.stringify(note, null, 2))
        .catch(() => {/* the move is what matters */});
    }
    return to;
  }

  /** Move a corrupt entry to trash with a note of why; returns where it went. */
  quarantine(key: string, why: string): Promise<string | undefined> {
    return this.trash(key, why);
  }

  /** Take the per-key lock, or undefined if a live owner holds it. */
  async tryLock(key: string, options?: LockOptions): Promise<HeldLock | undefined> {
    await Deno.mkdir(this.layout.locks, { recursive: true });
    return tryAcquireLock(this.lockPath(key), options);
  }

  /** Whether a live owner is computing `key` now, and who. */
  lockOwner(key: string): ReturnType<typeof readLock> {
    return lockIsLive(this.lockPath(key)) ? readLock(this.lockPath(key)) : undefined;
  }

  /** All entry keys present (valid or not). */
  async keys(): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(this.layout.entries)) {
        if (e.isDirectory) out.push(e.name);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return out.sort();
  }

  /** Bytes used by an entry (its files per the manifest, or a walk when corrupt). */
  async size(dir: string): Promise<number> {
    let n = 0;
    for (const rel of await listFiles(dir).catch(() => [])) {
      n += (await Deno.stat(join(dir, rel))).size;
    }
    return n;
  }

  /** Remember the key record of a step under its pipeline name (for explaining changes). */
  async rememberName(pipeline: string, step: string, data: unknown): Promise<void> {
    await Deno.mkdir(this.layout.nameDir(pipeline), { recursive: true });
    const tmp = this.layout.nameRecordTmp(pipeline, step, Deno.pid);
    await Deno.writeTextFile(tmp, JSON.stringify(data));
    await Deno.rename(tmp, this.layout.nameRecord(pipeline, step));
  }

  /** The last remembered record of a step, if any. */
  async recallName<T>(pipeline: string, step: string): Promise<T | undefined> {
    try {
      return JSON.parse(await Deno.readTextFile(this.layout.nameRecord(pipeline, step))) as T;
    } catch {
      return undefined;
    }
  }

  /** Every key remembered under any pipeline name (the roots `gc` keeps). */
  async rememberedKeys(): Promise<Set<string>> {
    const keys = new Set<string>();
    const names = this.layout.names;
    try {
      for await (const p of Deno.readDir(names)) {
        if (!p.isDirectory) continue;
        for await (const s of Deno.readDir(join(names, p.name))) {
          if (!s.name.endsWith(".json") || s.name.startsWith(".")) continue;
          try {
            const d = JSON.parse(await Deno.readTextFile(join(names, p.name, s.name)));
            if (typeof d?.key === "string") keys.add(d.key);
          } catch { /* unreadable: ignore */ }
        }
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return keys;
  }
}
