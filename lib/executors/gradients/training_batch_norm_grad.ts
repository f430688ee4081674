/**
 * The gradient of `TrainingBatchNorm`, for every backend that has the kernel: one
 * `TrainingBatchNormGrad` call, plus the terms for gradients that reach the batch statistics.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { Tf } from "../host/kernel_call.ts";
import { TRAINING_BATCH_NORM, TRAINING_BATCH_NORM_GRAD } from "../kernel_names.ts";
import { addBatchStatsGrad } from "./batch_stats_grad.ts";

/** The gradient of `TrainingBatchNorm` (every backend that registers the kernels). */
export function trainingBatchNormGradConfig(tf: Tf): tfc.GradConfig {
  return {
    kernelName: TRAINING_BATCH_NORM,
    inputsToSave: ["x", "scale"],
    outputsToSave: [true, true, true],
    gradFunc(dys, saved, attrs) {
      const [dy, dmean, dvariance] = dys as tfc.Tensor[];
      const [x, scale, y, mean, variance] = saved;
      const [dx, dscale, doffset] = tf.engine().runKernel(
        TRAINING_BATCH_NORM_GRAD,
        { dy, x, scale, mean, variance, y },
        attrs,
      ) as tfc.Tensor[];
      return {
        x: () => addBatchStatsGrad(tf, dx, x, mean, dmean, dvariance),
        scale: () => dscale,
        offset: () => doffset,
      };
    },
  };
}
