/**
 * Executors: the compute backend a worker trains on. Each executor is a module under
 * `lib/executors/` exporting a `load()` that either returns a {@linkcode LoadedExecutor} or throws
 * {@linkcode ExecutorUnavailable} with a reason and how to fix it. The training code is the same
 * for all; which one ran is provenance, never part of a key.
 *
 * @module
 */
import type { TfContext } from "../plugin/runtime.ts";
import type { ExecutorName } from "./table.ts";

export type { ExecutorName } from "./table.ts";

/** A loaded executor. */
export interface LoadedExecutor {
  name: Exclude<ExecutorName, "auto">;
  /** The TensorFlow.js backend name in use ("wasm", "cpu", "tensorflow", …). */
  backend: string;
  /** Threads the backend computes with. */
  threads: number;
  ctx: TfContext;
  /** Library versions, for provenance. */
  versions: Record<string, string>;
  /** What the executor fell back on while loading, or found, worth saying (wasm, webgpu, gpu). */
  notes?: string[];
}

/** Why an executor cannot load here, with what to do about it. */
export class ExecutorUnavailable extends Error {
  override name = "ExecutorUnavailable";
  constructor(readonly executor: ExecutorName, readonly reason: string, options?: ErrorOptions) {
    super(`Executor "${executor}" is unavailable: ${reason}`, options);
  }
}
