/**
 * The `cpu` executor: tfjs-backend-cpu (pure JavaScript). The reference backend every other
 * executor's kernels are checked against, and the last fallback; slow for convolutions. It gets
 * the project's gradients and its one-kernel training batch norm (`register_all_kernels.ts`) but
 * keeps tfjs's kernels otherwise.
 *
 * @module
 */
import type { LoadedExecutor } from "../executor.ts";

/** Load TensorFlow.js on the cpu backend. */
export async function load(): Promise<LoadedExecutor> {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const tfl = await import("@tensorflow/tfjs-layers");
  await tf.setBackend("cpu");
  await tf.ready();
  const { registerAllKernels } = await import("./register_all_kernels.ts");
  registerAllKernels(tf);
  return {
    name: "cpu",
    backend: tf.getBackend(),
    threads: 1,
    ctx: { tf, tfl },
    versions: { "tfjs-core": tf.version_core, "tfjs-layers": tfl.version_layers },
  };
}
