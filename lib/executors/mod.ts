/**
 * Executor selection. `auto` tries, in order, gpu, webgpu, native, onednn, wasm, cpu and takes
 * the first that loads; asking for one by name fails with its reason when it cannot load.
 *
 * @module
 */
import { type ExecutorName, ExecutorUnavailable, type LoadedExecutor } from "./executor.ts";

export { ExecutorUnavailable } from "./executor.ts";
export type { ExecutorName, LoadedExecutor } from "./executor.ts";

type Loader = () => Promise<LoadedExecutor>;

/** Each executor's module, loaded only when asked for (so no backend loads by accident). */
const LOADERS: Record<Exclude<ExecutorName, "auto">, Loader> = {
  cpu: async () => (await import("./cpu.ts")).load(),
  wasm: async () => (await import("./wasm.ts")).load(),
  onednn: async () => (await import("./onednn.ts")).load(),
  native: async () => (await import("./native.ts")).load(),
  webgpu: async () => (await import("./webgpu.ts")).load(),
  gpu: async () => (await import("./gpu.ts")).load(),
};

/** The order `auto` tries. */
export const AUTO_ORDER: Exclude<ExecutorName, "auto">[] = [
  "gpu",
  "webgpu",
  "native",
  "onednn",
  "wasm",
  "cpu",
];

/** All names accepted by `--executor`. */
export const EXECUTOR_NAMES: ExecutorName[] = ["auto", ...AUTO_ORDER];

/** Options for {@linkcode loadExecutor}. */
export interface LoadExecutorOptions {
  /** Where `auto` reports its choice and what it skipped. Default: standard error. */
  log?: (line: string) => void;
}

/** An executor `auto` passed over, and why. */
export interface SkippedExecutor {
  executor: Exclude<ExecutorName, "auto">;
  /** The reason alone, without the "Executor … is unavailable" prefix. */
  reason: string;
}

/** One line naming a loaded executor, its backend and thread count. */
export function describeExecutor(ex: LoadedExecutor): string {
  return `${ex.name} (backend ${ex.backend}, ${ex.threads} thread${ex.threads === 1 ? "" : "s"})`;
}

/** Load an executor by name; `auto` returns the first that loads and the reasons others did not. */
export async function loadExecutor(
  name: ExecutorName,
  options: LoadExecutorOptions = {},
): Promise<LoadedExecutor & { skipped: string[]; skippedBy: SkippedExecutor[] }> {
  if (name !== "auto") {
    const loader = LOADERS[name];
    if (!loader) {
      throw new ExecutorUnavailable(
        name,
        `unknown executor: available are ${EXECUTOR_NAMES.join(", ")}`,
      );
    }
    return { ...(await loader()), skipped: [], skippedBy: [] };
  }
  const skipped: string[] = [];
  const skippedBy: SkippedExecutor[] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      const ex = await LOADERS[candidate]();
      const log = options.log ?? ((line: string) => console.error(line));
      log(`executor auto: using ${describeExecutor(ex)}`);
      for (const reason of skipped) log(`  skipped: ${reason}`);
      return { ...ex, skipped, skippedBy };
    } catch (e) {
      skipped.push(e instanceof Error ? e.message : String(e));
      skippedBy.push({
        executor: candidate,
        reason: e instanceof ExecutorUnavailable ? e.reason : skipped[skipped.length - 1],
      });
    }
  }
  throw new ExecutorUnavailable("auto", `no executor loads here:\n  ${skipped.join("\n  ")}`);
}
