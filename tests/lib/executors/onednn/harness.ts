/**
 * Shared setup for the onednn executor tests: load the executor once per test module, skip
 * visibly (the reason in the test name) where oneDNN is not installed, and compare results with
 * the cpu backend, the reference every kernel is checked against.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
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

/** Register a test that needs oneDNN; where it is absent the test is ignored, saying why. */
export function onednnTest(name: string, fn: (ex: LoadedExecutor) => void | Promise<void>) {
  Deno.test({
    name: loaded ? name : `${name} [skipped: ${reason}]`,
    ignore: !loaded,
    fn: () => fn(loaded!),
  });
}

/** The onednn backend instance. */
export function backendOf(ex: LoadedExecutor): OnednnBackend {
  return ex.ctx.tf.findBackend("onednn") as OnednnBackend;
}

/** Tensors' data (one array per tensor) from a function returning a tensor or several. */
function valuesOf(tf: typeof tfc, f: () => tfc.Tensor | tfc.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const r = f();
    return (Array.isArray(r) ? r : [r]).map((t) => Float32Array.from(t.dataSync()));
  });
}

/** Run `f` on cpu and on onednn; returns both results and how many oneDNN primitives ran. */
export function onBoth(
  ex: LoadedExecutor,
  f: () => tfc.Tensor | tfc.Tensor[],
): { cpu: Float32Array[]; onednn: Float32Array[]; dnnlRuns: number } {
  const tf = ex.ctx.tf;
  tf.setBackend("cpu");
  const cpu = valuesOf(tf, f);
  tf.setBackend("onednn");
  const before = backendOf(ex).dnnl.runs;
  const onednn = valuesOf(tf, f);
  return { cpu, onednn, dnnlRuns: backendOf(ex).dnnl.runs - before };
}

/**
 * Largest difference between two lists of arrays relative to the reference's magnitude:
 * max |a - e| / (1 + max |e|) per array, the worst over arrays.
 */
export function relativeError(actual: Float32Array[], expected: Float32Array[]): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k], e = expected[k];
    if (a.length !== e.length) return Infinity;
    let diff = 0, mag = 0;
    for (let i = 0; i < e.length; i++) {
      const d = Math.abs(a[i] - e[i]);
      if (!(d <= diff)) diff = d;
      mag = Math.max(mag, Math.abs(e[i]));
    }
    worst = Math.max(worst, diff / (1 + mag));
  }
  return worst;
}

/** Throw unless `f` agrees between cpu and onednn within `tol` and ran on oneDNN. */
export function assertSameOnBoth(
  ex: LoadedExecutor,
  what: string,
  f: () => tfc.Tensor | tfc.Tensor[],
  tol = 1e-4,
  mustUseDnnl = true,
): void {
  const { cpu, onednn, dnnlRuns } = onBoth(ex, f);
  const err = relativeError(onednn, cpu);
  if (!(err <= tol)) {
    throw new Error(`${what}: onednn differs from cpu by ${err.toExponential(2)} > ${tol}`);
  }
  if (mustUseDnnl && dnnlRuns === 0) {
    throw new Error(`${what}: no oneDNN primitive ran (the kernel fell back to cpu)`);
  }
}
