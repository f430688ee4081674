/**
 * The training kernels and gradients this project registers on top of the stock backends, as one
 * explicit list per backend. Register after tfjs-layers has loaded: gradients registered earlier
 * may be replaced when it (and the tfjs-core copy it pulls in) initialise.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { patchBatchNormalization } from "../batch_norm_layer.ts";
import { batchMatMulConfig } from "./batch_mat_mul.ts";
import { conv2DConfig } from "./conv2d.ts";
import { conv2DBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2DBackpropInputConfig } from "./conv2d_backprop_input.ts";
import type { Tf } from "./kernel_call.ts";
import { sharedIdentityConfig } from "./shared_identity.ts";
import { unsortedSegmentSumConfig } from "./unsorted_segment_sum.ts";
import {
  TRAINING_BATCH_NORM,
  TRAINING_BATCH_NORM_GRAD,
  trainingBatchNorm,
  trainingBatchNormConfigs,
  trainingBatchNormGradConfig,
} from "./training_batch_norm.ts";
import { fusedBatchNormGradConfig } from "../gradients/fused_batch_norm_grad.ts";
import { fusedReluGradConfig } from "../gradients/fused_relu_grad.ts";
import { reluConfig } from "./relu.ts";

/** Marks configs made here, so registering twice never wraps our own kernel as the "stock" one. */
const OURS = Symbol.for("born-again.executors.kernel");

type Tagged<T> = T & { [OURS]?: true };

/** The stock kernel registered now, unless it is one of ours (then the one it replaced). */
function stock(tf: Tf, name: string, backend: string): tfc.KernelConfig | undefined {
  const k = tf.getKernel(name, backend) as Tagged<tfc.KernelConfig> | undefined;
  return k?.[OURS] ? (k as { stock?: tfc.KernelConfig }).stock : k;
}

function replaceKernel(tf: Tf, config: tfc.KernelConfig, replaced?: tfc.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) {
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(Object.assign(config, { [OURS]: true, stock: replaced }));
}

/** Kernels replaced or added, per backend: the one explicit registration list. */
export const KERNELS: Record<string, string[]> = {
  wasm: [
    "Conv2D",
    "FusedConv2D",
    "Conv2DBackpropFilter",
    "Conv2DBackpropInput",
    "BatchMatMul",
    "UnsortedSegmentSum",
    "Identity",
    "Relu",
    TRAINING_BATCH_NORM,
    TRAINING_BATCH_NORM_GRAD,
  ],
  cpu: [TRAINING_BATCH_NORM, TRAINING_BATCH_NORM_GRAD],
};

/**
 * Backends whose tfjs-layers batch norm trains through `TrainingBatchNorm`, with a following
 * ReLU fused in. Not cpu: it stays the reference the other executors are checked against, with
 * the layer's own code.
 */
export const BATCH_NORM_ROUTED = ["wasm"];

/**
 * Register this project's training kernels for `backendName` and its gradients (idempotent):
 * FusedBatchNorm's and TrainingBatchNorm's for every backend; with `layers`, where
 * {@linkcode BATCH_NORM_ROUTED} says so, the batch-norm layer's route and the ReLU gradient that
 * passes dy through on a fused ReLU's output.
 */
export function registerTrainingKernels(
  tf: Tf,
  backendName: string,
  layers?: typeof tfl,
): void {
  const list = KERNELS[backendName] ?? [];
  const batchNorm = new Map(trainingBatchNormConfigs(backendName).map((k) => [k.kernelName, k]));
  for (const name of list) {
    if (batchNorm.has(name)) {
      replaceKernel(tf, batchNorm.get(name)!);
      continue;
    }
    const old = stock(tf, name, backendName);
    const config = name === "Conv2D" || name === "FusedConv2D"
      ? conv2DConfig(tf, backendName, old!, name === "FusedConv2D")
      : name === "Conv2DBackpropFilter"
      ? conv2DBackpropFilterConfig(tf, backendName, old)
      : name === "Conv2DBackpropInput"
      ? conv2DBackpropInputConfig(tf, backendName, old)
      : name === "BatchMatMul"
      ? batchMatMulConfig(tf, backendName, old!)
      : name === "Identity"
      ? sharedIdentityConfig(tf, backendName)
      : name === "Relu"
      ? reluConfig(tf, backendName, old!)
      : unsortedSegmentSumConfig(tf, backendName);
    replaceKernel(tf, config, old);
  }
  const grad = tf.getGradient(tf.FusedBatchNorm) as Tagged<tfc.GradConfig> | undefined;
  if (!grad?.[OURS]) {
    tf.registerGradient(Object.assign(fusedBatchNormGradConfig(tf, grad), { [OURS]: true }));
  }
  if (!tf.getGradient(TRAINING_BATCH_NORM)) tf.registerGradient(trainingBatchNormGradConfig(tf));
  if (layers && BATCH_NORM_ROUTED.includes(backendName)) {
    const relu = tf.getGradient(tf.Relu) as Tagged<tfc.GradConfig>;
    if (!relu[OURS]) {
      tf.registerGradient(
        Object.assign(fusedReluGradConfig(tf, relu, BATCH_NORM_ROUTED), { [OURS]: true }),
      );
    }
    patchBatchNormalization(tf, layers, backendName, {
      run: (x, scale, offset, epsilon, relu) =>
        trainingBatchNorm(tf, x, scale, offset, epsilon, relu),
      fusesRelu: true,
    });
  }
}
