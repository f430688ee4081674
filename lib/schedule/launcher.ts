/**
 * A launcher starts the worker of one step somewhere (a local process today, a Slurm job
 * tomorrow) and reports its events until it ends. The interpreter decides what is ready; a
 * launcher only runs what it is given.
 *
 * @module
 */
import type { JsonObject } from "../plugin/descriptor.ts";
import type { WorkerEvent } from "../worker/events.ts";

/** How one step's worker ended. */
export type StepOutcome =
  | { ok: true; cached: boolean; result: JsonObject; seconds: number }
  | { ok: false; reason: string; message: string; logTail?: string };

/** What a launcher is asked to run. */
export interface LaunchRequest {
  key: string;
  step: string;
  cacheDir: string;
  executor: string;
  onEvent: (event: WorkerEvent) => void;
}

/** Runs workers. */
export interface Launcher {
  readonly name: string;
  launch(request: LaunchRequest): Promise<StepOutcome>;
  /** Ask every running worker to checkpoint and stop (Ctrl-C). */
  stopAll(): Promise<void>;
}
