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
  wasm: () => Promise.reject(new ExecutorUnavailable("wasm", "not built yet")),
  onednn: async () => (await import("./onednn.ts")).load(),
  native: () => Promise.reject(new ExecutorUnavailable("native", "not built yet")),
  webgpu: () => Promise.reject(new ExecutorUnavailable("webgpu", "not built yet")),
  gpu: () => Promise.reject(new ExecutorUnavailable("gpu", "not built yet")),
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

/** Load an executor by name; `auto` returns the first that loads and the reasons others did not. */
export async function loadExecutor(
  name: ExecutorName,
): Promise<LoadedExecutor & { skipped: string[] }> {
  if (name !== "auto") {
    const loader = LOADERS[name];
    if (!loader) {
      throw new ExecutorUnavailable(
        name,
        `unknown executor: available are ${EXECUTOR_NAMES.join(", ")}`,
      );
    }
    return { ...(await loader()), skipped: [] };
  }
  const skipped: string[] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      return { ...(await LOADERS[candidate]()), skipped };
    } catch (e) {
      skipped.push(e instanceof Error ? e.message : String(e));
    }
  }
  throw new ExecutorUnavailable("auto", `no executor loads here:\n  ${skipped.join("\n  ")}`);
}
