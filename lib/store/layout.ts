/**
 * The cache folder's layout: every path inside it is built here and nowhere else.
 *
 * ```
 * entries/<key>/                 committed outputs, manifest.json written last
 * tmp/<key16>-…/                 outputs being written; renamed into entries/ when complete
 * work/<key>/                    a step in progress, apart from entries:
 *   spec.json                    the step spec its worker runs
 *   worker.log                   the worker's log (stderr)
 *   metrics.jsonl                a train step's per-epoch metrics so far, one JSON object a line
 *   checkpoint/state.json, …     the last checkpoint (checkpoint.tmp-<pid>, .old-<pid> while saving)
 *   slurm.sh, slurm-job.json, slurm-submit.lock, events-<job>.jsonl   a Slurm job's files
 * locks/<key>.lock               who is computing <key> now (<key>.lock.break: held while a
 *                                stale one is broken)
 * locks/gc.lock                  held while `cache gc` decides and deletes
 * locks/runs/<id>.json           a live run's claim on the keys of its plan (gc keeps them)
 * names/<pipeline>/<step>.json   the last key record of each step, to explain key changes
 * trash/<key>-<ms>/              entries moved aside (corrupt, or replaced by --force);
 *   quarantine.json              why a corrupt entry was moved aside
 * hashes/<key>.json              SHA-256 of an entry's files by size, mtime and inode (a cache
 *                                of `integrity.ts`, written only when the cache is writable)
 * configs/<pipeline>/<id>.json   a configuration reported (its resolved params, date, headline
 *                                metrics); <id> is a short hash of the params
 * reports/<pipeline>/<id>/       the report of one configuration (and params.json)
 * reports/<pipeline>/index.*     every configuration of the pipeline in the cache
 * .slurm-probe-<token>           written by a Slurm probe job (its script is in tmp/)
 * ```
 *
 * @module
 */
import { join } from "node:path";

/** The files of a checkpoint folder (the checkpoint in place, or one being written). */
export function checkpointFiles(dir: string) {
  return { state: join(dir, "state.json"), optimizer: join(dir, "optimizer.bin") };
}

/** A train step's per-epoch metrics (JSON Lines), in its work folder and its committed entry. */
export const METRICS_FILE = "metrics.jsonl";

/** The files of one work folder (`work/<key>/`), given its path. */
export function workFiles(dir: string) {
  const checkpoint = join(dir, "checkpoint");
  return {
    dir,
    spec: join(dir, "spec.json"),
    /** Where a spec is written before it is renamed into place. */
    specTmp: (pid: number) => join(dir, `.spec.${pid}.tmp`),
    log: join(dir, "worker.log"),
    /** Per-epoch metrics of a train step as it trains (JSON Lines). */
    metrics: join(dir, METRICS_FILE),
    checkpoint,
    checkpointState: checkpointFiles(checkpoint).state,
    checkpointOptimizer: checkpointFiles(checkpoint).optimizer,
    /** A checkpoint being written, swapped in by rename. */
    checkpointTmp: (pid: number) => join(dir, `checkpoint.tmp-${pid}`),
    /** The previous checkpoint while the new one is swapped in. */
    checkpointOld: (pid: number) => join(dir, `checkpoint.old-${pid}`),
    /** Whether a name in the folder is a {@linkcode checkpointTmp} (of any worker). */
    isCheckpointTmp: (name: string) => name.startsWith("checkpoint.tmp-"),
    /** Whether a name in the folder is a {@linkcode checkpointOld} (of any worker). */
    isCheckpointOld: (name: string) => name.startsWith("checkpoint.old-"),
    /** A name in the folder as a path. */
    child: (name: string) => join(dir, name),
    slurmScript: join(dir, "slurm.sh"),
    slurmJob: join(dir, "slurm-job.json"),
    slurmClaim: join(dir, "slurm-submit.lock"),
    slurmEvents: (job: string) => join(dir, `events-${job}.jsonl`),
  };
}

/** The files of one work folder. */
export type WorkFiles = ReturnType<typeof workFiles>;

/** Characters of a key that name its temporary commit folders. */
const TMP_KEY_CHARS = 16;

const safeName = (name: string) => encodeURIComponent(name);

/** Paths of a cache folder. */
export class CacheLayout {
  readonly entries: string;
  readonly tmp: string;
  readonly work: string;
  readonly locks: string;
  readonly names: string;
  readonly trash: string;
  readonly reports: string;
  /** Records of the configurations reported, per pipeline. */
  readonly configs: string;
  /** Remembered file hashes of entries. */
  readonly hashes: string;
  /** Live runs' claims. */
  readonly runClaims: string;
  /** Held by `cache gc` while it decides and deletes. */
  readonly gcLock: string;

  constructor(readonly root: string) {
    this.entries = join(root, "entries");
    this.tmp = join(root, "tmp");
    this.work = join(root, "work");
    this.locks = join(root, "locks");
    this.names = join(root, "names");
    this.trash = join(root, "trash");
    this.reports = join(root, "reports");
    this.configs = join(root, "configs");
    this.hashes = join(root, "hashes");
    this.runClaims = join(this.locks, "runs");
    this.gcLock = join(this.locks, "gc.lock");
  }

  /** The folders every writer may assume exist (made by the store's `init`). */
  folders(): string[] {
    return [this.entries, this.tmp, this.work, this.locks, this.runClaims, this.names, this.trash];
  }

  /** Folder of a committed entry. */
  entry(key: string): string {
    return join(this.entries, key);
  }
  /** An entry's commit marker. */
  manifest(key: string): string {
    return join(this.entry(key), "manifest.json");
  }
  /** Name prefix of a temporary commit folder of `key`, inside {@linkcode tmp}. */
  tmpPrefix(key: string): string {
    return `${key.slice(0, TMP_KEY_CHARS)}-`;
  }
  /** The key prefix a temporary folder name starts with (what {@linkcode tmpPrefix} made). */
  tmpKeyPrefix(name: string): string {
    return name.slice(0, TMP_KEY_CHARS);
  }
  /** A folder inside {@linkcode tmp}, by name. */
  tmpDir(name: string): string {
    return join(this.tmp, name);
  }
  /** Work folder of a step in progress. */
  workDir(key: string): string {
    return join(this.work, key);
  }
  /** The files of a step's work folder. */
  workFiles(key: string): WorkFiles {
    return workFiles(this.workDir(key));
  }
  /** Lock of the process computing `key`. */
  lock(key: string): string {
    return join(this.locks, `${key}.lock`);
  }
  /** A run's claim file; `id` is unique per run. */
  runClaim(id: string): string {
    return join(this.runClaims, `${id}.json`);
  }
  /** Remembered key records of a pipeline's steps. */
  nameDir(pipeline: string): string {
    return join(this.names, safeName(pipeline));
  }
  /** The remembered key record of one step. */
  nameRecord(pipeline: string, step: string): string {
    return join(this.nameDir(pipeline), `${safeName(step)}.json`);
  }
  /** Where a key record is written before it is renamed into place. */
  nameRecordTmp(pipeline: string, step: string, pid: number): string {
    return join(this.nameDir(pipeline), `.${safeName(step)}.${pid}.tmp`);
  }
  /** Where an entry moved aside at `ms` goes. */
  trashFor(key: string, ms: number): string {
    return join(this.trash, `${key}-${ms}`);
  }
  /** The script of a Slurm probe job (`tmp/slurm-probe-<token>.sh`). */
  slurmProbeScript(token: string): string {
    return join(this.tmp, `slurm-probe-${token}.sh`);
  }
  /** The file a Slurm probe job writes at the cache's root, which every node must see. */
  slurmProbeToken(token: string): string {
    return join(this.root, `.slurm-probe-${token}`);
  }
  /** The note saying why an entry was moved to `trashDir` (inside it). */
  quarantineNote(trashDir: string): string {
    return join(trashDir, "quarantine.json");
  }
  /** Remembered SHA-256 of an entry's files. */
  hashRecord(key: string): string {
    return join(this.hashes, `${key}.json`);
  }
  /** A folder inside {@linkcode trash}, by name. */
  trashDir(name: string): string {
    return join(this.trash, name);
  }
  /** The default report folder of a pipeline. */
  report(pipeline: string): string {
    return reportDirIn(this.reports, pipeline);
  }
  /** The records of a pipeline's configurations. */
  configDir(pipeline: string): string {
    return join(this.configs, fileName(pipeline));
  }
  /** The record of one configuration. */
  configRecord(pipeline: string, id: string): string {
    return join(this.configDir(pipeline), `${fileName(id)}.json`);
  }
}

const fileName = (name: string) => name.replace(/[^\w.-]/g, "_");

/** A pipeline's report folder inside a reports root (the cache's `reports/` or --report-dir). */
export function reportDirIn(root: string, pipeline: string): string {
  return join(root, fileName(pipeline));
}
