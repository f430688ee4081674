/**
 * The `wasm` executor, the CPU fallback that needs no native library: tfjs-backend-wasm
 * (XNNPACK, SIMD) with this project's training kernels (listed in `register_all_kernels.ts`), on
 * as many threads as the runtime allows. Threads need the threaded SIMD build started by
 * `threaded_module.ts`; when that fails the executor falls back to the single-threaded SIMD build
 * and says why in `notes`.
 *
 * Thread count: `BORN_AGAIN_WASM_THREADS` when set, else the machine's logical cores (max 8).
 * With more than one, the project's own kernels (convolutions, the filter gradient and the
 * training batch norm's passes) split their work over as many threads too (`../loop_pool/`).
 *
 * @module
 */
import type { LoadedExecutor } from "../executor.ts";
import { ExecutorUnavailable } from "../executor.ts";
import { wasmHeapMemory } from "../host/host_arrays.ts";
import { registerAllKernels } from "./register_all_kernels.ts";

/** Options for {@linkcode load}. */
export interface WasmOptions {
  /** XNNPACK threads; 1 uses the single-threaded SIMD build. Default: see the module doc. */
  threads?: number;
}

/** Threads asked for by the environment or the machine. */
export function defaultWasmThreads(): number {
  const fromEnv = Number(Deno.env.get("BORN_AGAIN_WASM_THREADS"));
  if (Number.isInteger(fromEnv) && fromEnv > 0) return Math.min(fromEnv, 8);
  return Math.max(1, Math.min(navigator.hardwareConcurrency ?? 1, 8));
}

/** Load TensorFlow.js on the wasm backend with the training kernels registered. */
export async function load(
  options: WasmOptions = {},
): Promise<LoadedExecutor & { notes: string[] }> {
  const notes: string[] = [];
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // Layers first: our gradients must be registered after anything it registers.
  const tfl = await import("@tensorflow/tfjs-layers");
  const threads = options.threads ?? defaultWasmThreads();
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  if (!simd) notes.push("WebAssembly SIMD unsupported: using the plain build");
  if (tf.getBackend() !== "wasm" && threads > 1 && simd) {
    try {
      const { startThreadedWasm } = await import("./threaded_module.ts");
      const module = await startThreadedWasm({ threads });
      tf.removeBackend("wasm");
      wasm.setThreadsCount(threads);
      tf.registerBackend("wasm", () => new wasm.BackendWasm(module as never), 2);
    } catch (e) {
      notes.push(`threads unavailable, using one: ${e instanceof Error ? e.message : e}`);
    }
  }
  if (!(await tf.setBackend("wasm"))) {
    throw new ExecutorUnavailable(
      "wasm",
      `tfjs-backend-wasm ${wasm.version_wasm} failed to initialise (see the log above)`,
    );
  }
  await tf.ready();
  registerAllKernels(tf, tfl);
  const memory = wasmHeapMemory(tf.backend());
  const computeThreads = wasm.getThreadsCount();
  if (computeThreads > 1 && memory?.buffer instanceof SharedArrayBuffer) {
    const { LoopPool, useLoopPool } = await import("../loop_pool/pool.ts");
    useLoopPool(new LoopPool(memory, computeThreads - 1));
  }
  return {
    name: "wasm",
    backend: tf.getBackend(),
    threads: computeThreads,
    ctx: { tf, tfl },
    versions: {
      "tfjs-core": tf.version_core,
      "tfjs-layers": tfl.version_layers,
      "tfjs-backend-wasm": wasm.version_wasm,
    },
    notes,
  };
}
