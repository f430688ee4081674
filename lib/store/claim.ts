/**
 * Run claims: a run names the keys of its plan in `locks/runs/<id>.json` before it writes any
 * spec, launches any worker or relies on any cached entry, and holds the claim (touched every few
 * seconds, like a lock) until it ends. `cache gc` keeps every key a live claim names: its entries,
 * work folders and commits in progress.
 *
 * gc and runs exclude each other without a window: gc takes `locks/gc.lock` and only then reads
 * the claims; a run writes its claim and only then waits for any live gc lock to go. Either gc
 * read the claim, or the run waits until that gc has finished.
 *
 * @module
 */
import { lockIsLive, type LockOwner, ownerLive, ownLockOwner, readLock } from "./lock.ts";
import type { CacheLayout } from "./layout.ts";
import { isReadOnlyError } from "./read_only.ts";

/** A run's claim on keys. Release it when the run ends (`using` releases it too). */
export interface RunClaim {
  readonly path: string;
  release(): void;
  [Symbol.dispose](): void;
}

/** What a claim file holds. */
interface ClaimFile extends LockOwner {
  keys: string[];
}

/** Options for {@linkcode claimKeys}. */
export interface ClaimOptions {
  what?: string;
  /** How often the claim is touched. Default 5 s. */
  heartbeatMs?: number;
  /** Called once if the run has to wait for a gc to finish. */
  onWait?: (gc: LockOwner | undefined) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Claim `keys` for a run; resolves once no gc is deciding what to delete. */
export async function claimKeys(
  layout: CacheLayout,
  keys: string[],
  options: ClaimOptions = {},
): Promise<RunClaim> {
  const owner = ownLockOwner(options.what);
  const id = `${owner.host}-${owner.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const path = layout.runClaim(id);
  const tmp = `${path}.tmp`;
  try {
    await Deno.mkdir(layout.runClaims, { recursive: true });
    await Deno.writeTextFile(tmp, JSON.stringify({ ...owner, keys } satisfies ClaimFile));
    await Deno.rename(tmp, path);
  } catch (e) {
    // A cache this process cannot write (shared read-only): it cannot leave a claim, and it
    // goes on with what the cache holds.
    if (!isReadOnlyError(e)) throw e;
    return { path, release: () => {}, [Symbol.dispose]: () => {} };
  }
  const timer = setInterval(() => {
    try {
      const now = new Date();
      Deno.utimeSync(path, now, now);
    } catch { /* removed under us: nothing to refresh */ }
  }, options.heartbeatMs ?? 5_000);
  Deno.unrefTimer(timer);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    try {
      Deno.removeSync(path);
    } catch { /* already gone */ }
  };
  try {
    let told = false;
    while (lockIsLive(layout.gcLock)) {
      if (!told) options.onWait?.(readLock(layout.gcLock));
      told = true;
      await sleep(100);
    }
  } catch (e) {
    release();
    throw e;
  }
  return { path, release, [Symbol.dispose]: release };
}

/** Keys named by live claims; claim files of dead runs are removed unless `dryRun`. */
export async function claimedKeys(
  layout: CacheLayout,
  options: { staleMs?: number; dryRun?: boolean } = {},
): Promise<Map<string, LockOwner>> {
  const claimed = new Map<string, LockOwner>();
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(layout.runClaims)].filter((e) => e.isFile).map((e) => e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    const path = layout.runClaim(name.slice(0, -".json".length));
    let claim: ClaimFile, mtimeMs: number;
    try {
      mtimeMs = (await Deno.stat(path)).mtime?.getTime() ?? 0;
      claim = JSON.parse(await Deno.readTextFile(path));
    } catch {
      continue; // released meanwhile
    }
    if (!Array.isArray(claim?.keys)) continue;
    if (!ownerLive(claim, mtimeMs, options.staleMs)) {
      if (!options.dryRun) await Deno.remove(path).catch(() => {});
      continue;
    }
    for (const key of claim.keys) claimed.set(key, claim);
  }
  return claimed;
}
