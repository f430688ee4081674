/**
 * The `gpu` executor: tfjs-node-gpu (TensorFlow's C library with CUDA), used when installed and
 * an NVIDIA GPU is visible. It is never required. tfjs-node-gpu silently runs on the CPU when
 * CUDA is missing, so the GPU is checked for before loading it.
 *
 * @module
 */
import { existsSync } from "node:fs";
import type { LoadedExecutor } from "./executor.ts";
import { ExecutorUnavailable } from "./executor.ts";
import { loadTfjsNode, TFJS_VERSION } from "./tfjs_node.ts";

/** How to install tfjs-node-gpu, shown when it is missing. */
export const GPU_INSTALL =
  `It needs Linux x86_64, an NVIDIA GPU with driver >= 450.80, CUDA 11.2 and cuDNN 8.1 ` +
  `(libtensorflow 2.9.1). Install it with \`deno install --allow-scripts=npm:@tensorflow/tfjs-node-gpu ` +
  `npm:@tensorflow/tfjs-node-gpu@${TFJS_VERSION}\` on a machine that can reach storage.googleapis.com.`;

/** Load TensorFlow.js on tfjs-node-gpu's "tensorflow" backend. */
export function load(): Promise<LoadedExecutor> {
  if (Deno.build.os !== "linux" || !existsSync("/dev/nvidiactl")) {
    return Promise.reject(
      new ExecutorUnavailable(
        "gpu",
        `no NVIDIA GPU is visible (${
          Deno.build.os === "linux" ? "/dev/nvidiactl is absent" : `${Deno.build.os} is not Linux`
        }). ${GPU_INSTALL}`,
      ),
    );
  }
  return loadTfjsNode("gpu", "@tensorflow/tfjs-node-gpu", GPU_INSTALL);
}
