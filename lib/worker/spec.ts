/**
 * The step spec a worker runs: everything it needs, written by the interpreter into the step's
 * work folder so a worker (local or a cluster job) needs only the cache folder and the key.
 *
 * @module
 */
import type { ValidStep } from "../spec/step.ts";
import type { KeyRecord } from "../spec/key_record.ts";
import { workFiles } from "../store/layout.ts";
import type { RunOrigin } from "../util/run_origin.ts";
import type { ExecutorName } from "../executors/table.ts";

/** A step ready to run. */
export interface WorkerSpec {
  pipeline: string;
  file: string;
  key: string;
  step: ValidStep;
  record: KeyRecord;
  /** Keys of upstream steps by name. */
  upstream: Record<string, string>;
  /** The command line and git revision the run started from (provenance). */
  origin?: RunOrigin;
  env: RunEnv;
}

/** How the run asks for the step to be run: settings that are provenance, never part of a key. */
export interface RunEnv {
  /** The executor asked for (`--executor`). */
  executor: ExecutorName;
  /** Where datasets live (`--data-dir`). */
  dataDir: string;
  /** Check dataset files against the official checksums (`--no-verify` turns it off). */
  verify: boolean;
  /** Remove a committed entry first and train again. */
  force: boolean;
}

/** Where the spec of `key` lives. */
export function specPath(workDir: string): string {
  return workFiles(workDir).spec;
}

/** Write a spec atomically. */
export async function writeSpec(workDir: string, spec: WorkerSpec): Promise<void> {
  await Deno.mkdir(workDir, { recursive: true });
  const tmp = workFiles(workDir).specTmp(Deno.pid);
  await Deno.writeTextFile(tmp, JSON.stringify(spec, null, 1));
  await Deno.rename(tmp, specPath(workDir));
}

/** Read a spec. */
export async function readSpec(workDir: string): Promise<WorkerSpec> {
  return JSON.parse(await Deno.readTextFile(specPath(workDir)));
}
