/**
 * The operand check both training batch-norm kernels make.
 *
 * @module
 */
import type { TensorInfo } from "../../host/kernel_call.ts";
import { TRAINING_BATCH_NORM } from "../../kernel_names.ts";

/** Channels of `x` (its last axis), checked against `scale`: one value per channel. */
export function channelsOf(x: TensorInfo, scale: TensorInfo): number {
  const c = x.shape[x.shape.length - 1];
  if (x.shape.length < 2 || scale.shape.length !== 1 || scale.shape[0] !== c) {
    throw new Error(
      `${TRAINING_BATCH_NORM}: x [${x.shape}] must have rank ≥ 2 and scale [${scale.shape}] one ` +
        "value per channel (last axis)",
    );
  }
  return c;
}
