/**
 * The step store's interface: what the planner, scheduler, workers, reports and `cache` commands
 * may ask of a cache. Paths inside it come from its {@linkcode CacheLayout}; `LocalStore` is the
 * implementation on a filesystem, and `tests/lib/store/store_suite.ts` is the suite every
 * implementation passes.
 *
 * @module
 */
import type { ClaimOptions, RunClaim } from "./claim.ts";
import type { GcOptions, GcReport } from "./gc.ts";
import type { CacheLayout } from "./layout.ts";
import type { HeldLock, LockOptions, LockOwner } from "./lock.ts";
import type { CommitInfo, Lookup } from "./local_store.ts";
import type { Manifest } from "./manifest.ts";

/** Where a step's checkpoint stopped: the next epoch (0-based) and batch to run. */
export interface CheckpointPosition {
  epoch: number;
  batch: number;
}

/** A content store of step results, keyed by step key. */
export interface Store {
  readonly root: string;
  readonly layout: CacheLayout;
  /** Make the folders; call before anything else writes. */
  init(): Promise<void>;

  /**
   * Find and check an entry: ok, missing, or corrupt with the problem (the manifest's checksum and
   * every file's hash, hashes of unchanged files remembered). Call before using an entry.
   */
  lookup(key: string): Promise<Lookup>;
  /** Check every file of an entry reading it again; returns problems (empty = valid). */
  verify(key: string): Promise<string[]>;
  /** Commit outputs atomically; a present valid entry is kept. */
  commit(key: string, write: (dir: string) => Promise<CommitInfo>): Promise<Manifest>;
  /** Move an entry out of the cache (it then counts as absent). */
  remove(key: string): Promise<void>;
  /** Move a corrupt entry to trash with a note of why; returns where it went (if it was there). */
  quarantine(key: string, why: string): Promise<string | undefined>;
  /** All entry keys present (valid or not). */
  keys(): Promise<string[]>;
  /** Bytes under a folder of the cache. */
  size(dir: string): Promise<number>;

  /** Work folder of a step in progress (spec, log, checkpoint). */
  workDir(key: string): string;
  /** Where the checkpoint of a step in progress stopped, if it has one. */
  checkpointAt(key: string): Promise<CheckpointPosition | undefined>;

  /** Take the per-key lock, or undefined if a live owner holds it. */
  tryLock(key: string, options?: LockOptions): Promise<HeldLock | undefined>;
  /** Who computes `key` now, if a live owner does. */
  lockOwner(key: string): (LockOwner & { mtimeMs: number }) | undefined;
  /** Claim the keys of a run's plan so that gc keeps them while the run lives. */
  claim(keys: string[], options?: ClaimOptions): Promise<RunClaim>;

  /** Remember a step's key record under its pipeline's name (gc keeps remembered keys). */
  rememberName(pipeline: string, step: string, data: unknown): Promise<void>;
  /** The last remembered record of a step. */
  recallName<T>(pipeline: string, step: string): Promise<T | undefined>;
  /** Every key remembered under any pipeline name. */
  rememberedKeys(): Promise<Set<string>>;

  /** Remove what nothing needs; keeps running steps and (unless asked) resumable checkpoints. */
  gc(options: GcOptions): Promise<GcReport>;
}
