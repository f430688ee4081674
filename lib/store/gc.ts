/**
 * Garbage collection of a cache: removes entries no pipeline step remembers, work folders of
 * finished or abandoned steps, leftover temporary commits and trashed entries, and says why for
 * each. It never touches what a live run claimed or a running step locked (see `claim.ts`: gc
 * holds `locks/gc.lock` while it decides and deletes, and a run waits for it after claiming), and
 * keeps work folders holding a resumable checkpoint unless `checkpoints` is set.
 *
 * @module
 */
import type { CheckpointPosition, Store } from "./store.ts";
import { claimedKeys } from "./claim.ts";
import { type LockOwner, readLock, tryAcquireLock } from "./lock.ts";

/** Options for {@linkcode collectGarbage}. */
export interface GcOptions {
  /** Decide and report, delete nothing. */
  dryRun?: boolean;
  /** Remove resumable checkpoints too. */
  checkpoints?: boolean;
}

/** One thing gc looked at. */
export interface GcItem {
  kind: "entry" | "work" | "tmp" | "trash";
  /** The key (entries, work folders) or folder name (tmp, trash). */
  name: string;
  action: "remove" | "keep";
  why: string;
  size: number;
  /** `pipeline:step` of a work folder, from its spec. */
  step?: string;
  /** Where a work folder's checkpoint stopped, with the step's epochs when known. */
  checkpoint?: CheckpointPosition & { epochs?: number };
}

/** What gc did (or would do). */
export interface GcReport {
  dryRun: boolean;
  items: GcItem[];
  /** Entries removed and kept. */
  removed: number;
  kept: number;
  freedBytes: number;
  /** Bytes of the entries kept. */
  keptBytes: number;
}

/** Another gc holds the cache's gc lock. */
export class GcBusyError extends Error {
  constructor(owner: LockOwner | undefined) {
    super(
      `another "cache gc" is running${
        owner ? ` (${owner.host}:${owner.pid} since ${owner.since})` : ""
      }`,
    );
    this.name = "GcBusyError";
  }
}

const who = (o: LockOwner) => `${o.what ? `${o.what}, ` : ""}${o.host}:${o.pid}`;

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

/** `pipeline:step` and epochs of a work folder's spec, as far as it can be read. */
async function specOf(path: string): Promise<{ step?: string; epochs?: number }> {
  try {
    const spec = JSON.parse(await Deno.readTextFile(path));
    const epochs = spec?.step?.params?.epochs;
    return {
      step: `${spec?.pipeline ?? "?"}:${spec?.step?.name ?? "?"}`,
      epochs: typeof epochs === "number" ? epochs : undefined,
    };
  } catch {
    return {};
  }
}

/** Collect garbage in `store` (see the module doc). */
export async function collectGarbage(store: Store, options: GcOptions = {}): Promise<GcReport> {
  const dryRun = options.dryRun ?? false;
  const layout = store.layout;
  // A dry run deletes nothing, so it needs no lock (and works on a read-only cache).
  let gcLock;
  if (!dryRun) {
    await Deno.mkdir(layout.locks, { recursive: true });
    gcLock = tryAcquireLock(layout.gcLock, { what: "cache gc" });
    if (!gcLock) throw new GcBusyError(readLock(layout.gcLock));
  }
  try {
    return await collect(store, options, dryRun);
  } finally {
    gcLock?.release();
  }
}

async function collect(store: Store, options: GcOptions, dryRun: boolean): Promise<GcReport> {
  const layout = store.layout;
  // Read under the gc lock: a run that claims after this point waits until gc has finished.
  const claimed = await claimedKeys(layout, { dryRun });
  const inUse = (key: string): string | undefined => {
    const running = store.lockOwner(key);
    if (running) return `running (${who(running)})`;
    const claim = claimed.get(key);
    return claim ? `in use by a live run (${who(claim)})` : undefined;
  };
  const remembered = await store.rememberedKeys();
  const items: GcItem[] = [];

  for (const key of await store.keys()) {
    const size = await store.size(layout.entry(key));
    const busy = inUse(key);
    if (busy) {
      items.push({ kind: "entry", name: key, action: "keep", why: busy, size });
      continue;
    }
    // Checked (its files hashed) only when gc may remove it: a busy entry is kept either way.
    const found = await store.lookup(key);
    if (found.status === "corrupt") {
      const why = `corrupt: ${found.problem}`;
      items.push({ kind: "entry", name: key, action: "remove", why, size });
    } else if (remembered.has(key)) {
      items.push({ kind: "entry", name: key, action: "keep", why: "referenced", size });
    } else items.push({ kind: "entry", name: key, action: "remove", why: "unreferenced", size });
  }

  const lockedKeys: string[] = [];
  for (const key of await names(layout.work)) {
    const size = await store.size(layout.workDir(key));
    const { step, epochs } = await specOf(layout.workFiles(key).spec);
    const at = await store.checkpointAt(key);
    const checkpoint = at ? { ...at, epochs } : undefined;
    const item = (action: GcItem["action"], why: string): GcItem => ({
      kind: "work",
      name: key,
      action,
      why,
      size,
      step,
      checkpoint,
    });
    const busy = inUse(key);
    if (busy) {
      lockedKeys.push(key);
      items.push(item("keep", busy));
    } else if ((await store.lookup(key)).status === "ok") {
      items.push(item("remove", "finished: its entry is committed"));
    } else if (checkpoint && !options.checkpoints) {
      items.push(item("keep", "resumable checkpoint (--checkpoints removes it)"));
    } else if (checkpoint) items.push(item("remove", "checkpoint, removed by --checkpoints"));
    else items.push(item("remove", "no checkpoint"));
  }

  // A temporary folder is a commit in progress when its key is claimed or being computed.
  const busyKeys = [...claimed.keys(), ...lockedKeys];
  for (const name of await names(layout.tmp)) {
    const prefix = layout.tmpKeyPrefix(name);
    const size = await store.size(layout.tmpDir(name)).catch(() => 0);
    const busy = busyKeys.some((k) => k.startsWith(prefix));
    items.push({
      kind: "tmp",
      name,
      action: busy ? "keep" : "remove",
      why: busy ? "commit in progress" : "left by an interrupted commit",
      size,
    });
  }
  for (const name of await names(layout.trash)) {
    const size = await store.size(layout.trashDir(name)).catch(() => 0);
    items.push({ kind: "trash", name, action: "remove", why: "moved aside", size });
  }

  if (!dryRun) {
    for (const it of items) {
      if (it.action !== "remove") continue;
      const path = it.kind === "entry"
        ? layout.entry(it.name)
        : it.kind === "work"
        ? layout.workDir(it.name)
        : it.kind === "tmp"
        ? layout.tmpDir(it.name)
        : layout.trashDir(it.name);
      await Deno.remove(path, { recursive: true }).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
      // The entry's remembered file hashes go with it.
      if (it.kind === "entry") await Deno.remove(layout.hashRecord(it.name)).catch(() => {});
    }
  }
  const entries = items.filter((i) => i.kind === "entry");
  const sum = (xs: GcItem[]) => xs.reduce((n, i) => n + i.size, 0);
  return {
    dryRun,
    items,
    removed: entries.filter((i) => i.action === "remove").length,
    kept: entries.filter((i) => i.action === "keep").length,
    freedBytes: sum(items.filter((i) => i.action === "remove")),
    keptBytes: sum(entries.filter((i) => i.action === "keep")),
  };
}
