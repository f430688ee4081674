/**
 * Executor selection. `auto` tries the executors in the order of `EXECUTORS` (`table.ts`) and
 * takes the first that loads; asking for one by name fails with its reason when it cannot load.
 *
 * @module
 */
import { ExecutorUnavailable, type LoadedExecutor } from "./executor.ts";
import { AUTO_ORDER, EXECUTOR_NAMES, type ExecutorName, EXECUTORS } from "./table.ts";

export { ExecutorUnavailable } from "./executor.ts";
export type { LoadedExecutor } from "./executor.ts";
export { AUTO_ORDER, EXECUTOR_NAMES, type ExecutorName } from "./table.ts";

const entryOf = (name: string) => EXECUTORS.find((e) => e.name === name);

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
    const entry = entryOf(name);
    if (!entry) {
      throw new ExecutorUnavailable(
        name,
        `unknown executor: available are ${EXECUTOR_NAMES.join(", ")}`,
      );
    }
    return { ...(await (await entry.module()).load()), skipped: [], skippedBy: [] };
  }
  const skipped: string[] = [];
  const skippedBy: SkippedExecutor[] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      const ex = await (await entryOf(candidate)!.module()).load();
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
