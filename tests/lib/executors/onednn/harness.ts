/**
 * Shared setup of the onednn executor tests: load the executor once per test module, and
 * register tests that need it so that they are skipped visibly (the reason in the test name)
 * where oneDNN is not installed. Comparisons use the conformance suite's helpers
 * (`../conformance.ts`).
 *
 * @module
 */
import type { LoadedExecutor } from "../../../../lib/executors/executor.ts";
import { load } from "../../../../lib/executors/onednn/mod.ts";
import type { OnednnBackend } from "../../../../lib/executors/onednn/backend.ts";

let loaded: LoadedExecutor | undefined;
let reason = "";
try {
  loaded = await load();
  // The tests' tensors are small; let elementwise ops on them take the oneDNN path under test
  // (the production threshold is a speed choice, not a correctness one).
  (loaded.ctx.tf.findBackend("onednn") as OnednnBackend).minElementwise = 1024;
} catch (e) {
  reason = (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** The loaded executor, when oneDNN is installed. */
export const executor = loaded;

/** Why the tests that need oneDNN are skipped ("" when it loaded). */
export const skipReason = loaded ? "" : `skipped: ${reason}`;

/** The onednn backend instance. */
export function backendOf(ex: LoadedExecutor): OnednnBackend {
  return ex.ctx.tf.findBackend("onednn") as OnednnBackend;
}

/** How many oneDNN primitives `ex` has run so far. */
export function dnnlRuns(ex: LoadedExecutor): number {
  return backendOf(ex).dnnl.runs;
}

/** Register a test that needs oneDNN; where it is absent the test is ignored, saying why. */
export function onednnTest(name: string, fn: (ex: LoadedExecutor) => void | Promise<void>) {
  Deno.test({
    name: loaded ? name : `${name} [${skipReason}]`,
    ignore: !loaded,
    fn: () => fn(loaded!),
  });
}
