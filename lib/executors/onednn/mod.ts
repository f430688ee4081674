/**
 * The `onednn` executor: TensorFlow.js on a backend whose heavy kernels and gradients
 * (convolutions, batch normalisation, matmuls, pooling, elementwise ops) run in oneDNN, the CPU
 * library PyTorch uses, called through `Deno.dlopen`. Needs `libdnnl2` (oneDNN 2.x) installed
 * and FFI permission.
 *
 * @module
 */
import type { LoadedExecutor } from "../executor.ts";
import { openDnnl } from "./library.ts";

/** Load TensorFlow.js on the onednn backend, or throw ExecutorUnavailable saying why not. */
export async function load(): Promise<LoadedExecutor> {
  const opened = openDnnl();
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const { registerOnednnBackend, registerOnednnGradients, BACKEND_NAME } = await import(
    "./register_all_kernels.ts"
  );
  registerOnednnBackend(opened.dnnl);
  // tfjs-layers registers gradients when it loads; the executor's own go in after it.
  const tfl = await import("@tensorflow/tfjs-layers");
  registerOnednnGradients(tfl);
  await tf.setBackend(BACKEND_NAME);
  await tf.ready();
  return {
    name: "onednn",
    backend: tf.getBackend(),
    threads: opened.threads,
    ctx: { tf, tfl },
    versions: {
      "tfjs-core": tf.version_core,
      "tfjs-layers": tfl.version_layers,
      onednn: opened.version,
    },
  };
}
