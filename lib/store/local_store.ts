/**
 * The local content store: the {@linkcode Store} on a local (or shared) filesystem, laid out as
 * `layout.ts` describes. A key that is present is never overwritten; partial or corrupt entries
 * count as absent.
 *
 * @module
 */
import { join } from "node:path";
import { sha256 } from "../util/hash.ts";
import { claimKeys, type ClaimOptions, type RunClaim } from "./claim.ts";
import { collectGarbage, type GcOptions, type GcReport } from "./gc.ts";
import { CacheLayout, checkpointFiles } from "./layout.ts";
import { type HeldLock, lockIsLive, type LockOptions, readLock, tryAcquireLock } from "./lock.ts";
import { type Manifest, type ManifestFile, parseManifest } from "./manifest.ts";
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

async function hashFile(path: string): Promise<ManifestFile> {
  const h = sha256();
  let size = 0;
  using f = await Deno.open(path);
  const buf = new Uint8Array(1 << 20);
  while (true) {
    const n = await f.read(buf);
    if (n === null) break;
    size += n;
    h.update(buf.subarray(0, n));
  }
  return { size, sha256: h.hex() };
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

  constructor(readonly root: string) {
    this.layout = new CacheLayout(root);
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
  remove(key: string): Promise<void> {
    return this.trash(key);
  }

  /** Find an entry; sizes are checked (cheap) so truncated files are caught, hashes are not. */
  async lookup(key: string): Promise<Lookup> {
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
    for (const [rel, f] of Object.entries(m.files)) {
      try {
        const st = await Deno.stat(join(dir, rel));
        if (st.size !== f.size) {
          return {
            status: "corrupt",
            dir,
            problem: `${rel} is ${st.size} bytes, manifest says ${f.size}`,
          };
        }
      } catch {
        return { status: "corrupt", dir, problem: `${rel} is missing` };
      }
    }
    return { status: "ok", dir, manifest: m };
  }

  /** Check every file's SHA-256 against the manifest; returns problems (empty = valid). */
  async verify(key: string): Promise<string[]> {
    const found = await this.lookup(key);
    if (found.status === "missing") return ["entry is missing"];
    if (found.status === "corrupt") return [found.problem];
    const problems: string[] = [];
    for (const [rel, f] of Object.entries(found.manifest.files)) {
      const got = await hashFile(join(found.dir, rel));
      if (got.sha256 !== f.sha256) {
        problems.push(
          `${rel}: sha256 ${got.sha256.slice(0, 12)}… != manifest ${f.sha256.slice(0, 12)}…`,
        );
      }
    }
    return problems;
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
      const manifest: Manifest = {
        format: 1,
        key,
        step: info.step,
        pipeline: info.pipeline,
        record: info.record,
        files,
        result: info.result,
        provenance: info.provenance,
        createdAt: new Date().toISOString(),
      };
      const text = JSON.stringify(manifest, null, 2);
      using f = await Deno.open(join(tmp, "manifest.json"), { write: true, createNew: true });
      await f.write(new TextEncoder().encode(text));
      await f.syncData();
      const existing = await this.lookup(key);
      if (existing.status === "ok") return existing.manifest;
      if (existing.status === "corrupt") await this.trash(key);
      await Deno.rename(tmp, this.entryDir(key));
      return manifest;
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }

  /** Move an entry aside (corrupt entries, `--force`). */
  async trash(key: string): Promise<void> {
    await Deno.mkdir(this.layout.trash, { recursive: true });
    await Deno.rename(this.entryDir(key), this.layout.trashFor(key, Date.now())).catch(
      (e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      },
    );
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
