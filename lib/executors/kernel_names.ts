/**
 * The names and attributes of the kernels this project adds to tfjs, for the kernels, their
 * gradients and the layers that call them.
 *
 * @module
 */

/** Training-mode batch norm: x, scale, offset in; [y, batch mean, biased batch variance] out. */
export const TRAINING_BATCH_NORM = "TrainingBatchNorm";
/** Its backward in one kernel: dy, x, scale, mean, variance, y in; [dx, dscale, doffset] out. */
export const TRAINING_BATCH_NORM_GRAD = "TrainingBatchNormGrad";

/** Attributes of both kernels. */
export interface TrainingBatchNormAttrs {
  epsilon: number;
  /** The output is max(y, 0), and the backward masks dy by it. */
  relu: boolean;
}
