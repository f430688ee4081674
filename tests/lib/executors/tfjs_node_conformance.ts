/**
 * The conformance suite for the executors built on tfjs-node (`native`, `gpu`): run where the
 * executor's own preflight passes (its package installed; for `gpu`, a GPU with CUDA and cuDNN
 * that libtensorflow opens), else one test is registered as skipped, with the executor's reason
 * in its name. The cpu backend, the reference, is registered beside tfjs-node's.
 *
 * @module
 */
import { ExecutorUnavailable, type LoadedExecutor } from "../../../lib/executors/executor.ts";
import { executorConformance } from "./conformance.ts";

/** An executor module with a preflight check that throws why it cannot load. */
export interface TfjsNodeExecutor {
  preflight(): Promise<unknown>;
  load(): Promise<LoadedExecutor>;
}

/** The first sentence of why `executor` cannot load here (asides dropped), or undefined. */
async function whyNot(executor: TfjsNodeExecutor): Promise<string | undefined> {
  try {
    await executor.preflight();
    return undefined;
  } catch (e) {
    const reason = e instanceof ExecutorUnavailable ? e.reason : String(e);
    return reason.replace(/ \([^)]*\)/g, "").split(". ")[0];
  }
}

/** Register the suite for `name`, skipped with the reason where its preflight fails. */
export async function tfjsNodeConformance(
  name: "native" | "gpu",
  executor: TfjsNodeExecutor,
): Promise<void> {
  const reason = await whyNot(executor);
  if (reason !== undefined) {
    // One visible skip for the whole suite: none of its tests can run without the executor.
    Deno.test({
      name: `${name} (skipped: ${reason}): the executor conformance suite`,
      ignore: true,
      fn() {},
    });
    return;
  }
  executorConformance(name, async () => {
    await import("@tensorflow/tfjs-backend-cpu"); // the reference
    return await executor.load();
  });
}
