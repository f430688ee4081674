/**
 * The executors, in one table: each name, in the order `auto` tries them, with the permissions
 * its worker needs beyond the step's own (FFI and the system's library folders for native code,
 * programs it runs to look for GPUs) and the module that loads it. `--executor` validation and
 * help, `auto`, the worker's command line and the doctor all read this table.
 *
 * @module
 */
import type { LoadedExecutor } from "./executor.ts";

/** One executor: what it is called, what its worker may do, where it is loaded from. */
export interface ExecutorEntry {
  name: string;
  /** Loads native code: the worker gets FFI and reads the system's library folders. */
  native: boolean;
  /** Programs the worker runs to look for hardware (a scoped `--allow-run` must list them). */
  probePrograms: readonly string[];
  /** Imports the executor's module (only when asked for, so no backend loads by accident). */
  module: () => Promise<{ load(): Promise<LoadedExecutor> }>;
}

/** Every executor, in the order `auto` tries them. */
export const EXECUTORS = [
  // Deno lets only --allow-all stat /dev/nvidia*, so the GPU is looked for with nvidia-smi.
  {
    name: "gpu",
    native: true,
    probePrograms: ["nvidia-smi"],
    module: () => import("./gpu/mod.ts"),
  },
  { name: "webgpu", native: false, probePrograms: [], module: () => import("./webgpu/mod.ts") },
  { name: "native", native: true, probePrograms: [], module: () => import("./native/mod.ts") },
  { name: "onednn", native: true, probePrograms: [], module: () => import("./onednn/mod.ts") },
  { name: "wasm", native: false, probePrograms: [], module: () => import("./wasm/mod.ts") },
  { name: "cpu", native: false, probePrograms: [], module: () => import("./cpu/mod.ts") },
] as const satisfies readonly ExecutorEntry[];

/** A concrete executor. */
export type ConcreteExecutorName = (typeof EXECUTORS)[number]["name"];

/** Executors users can ask for. `auto` picks the first that loads. */
export type ExecutorName = "auto" | ConcreteExecutorName;

/** The order `auto` tries. */
export const AUTO_ORDER: readonly ConcreteExecutorName[] = EXECUTORS.map((e) => e.name);

/** All names accepted by `--executor`. */
export const EXECUTOR_NAMES: readonly ExecutorName[] = ["auto", ...AUTO_ORDER];

/** True when `name` is an executor users can ask for. */
export function isExecutorName(name: string): name is ExecutorName {
  return (EXECUTOR_NAMES as readonly string[]).includes(name);
}

/** What a worker on `name` needs: `auto` needs what any of its candidates does. */
export function executorNeeds(name: string): { native: boolean; probePrograms: string[] } {
  const entries: readonly ExecutorEntry[] = name === "auto"
    ? EXECUTORS
    : EXECUTORS.filter((e) => e.name === name);
  return {
    native: entries.some((e) => e.native),
    probePrograms: [...new Set(entries.flatMap((e) => e.probePrograms))],
  };
}
