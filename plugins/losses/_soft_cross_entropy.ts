/**
 * Cross-entropy against a full target distribution, shared by the losses that distil from
 * teacher probabilities (BAN+L, DKPP): -(1/N) sum_s sum_i t_{i,s} log softmax(z_s)_i.
 * Its gradient wrt the logits is (softmax(z) - t) / N for any target rows that sum to 1.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { TfContext } from "../../lib/plugin/runtime.ts";

/** Mean over rows of the cross-entropy between `target` rows and softmax(`logits`) rows. */
export function softCrossEntropy(
  tf: TfContext["tf"],
  target: tfc.Tensor2D,
  logits: tfc.Tensor2D,
): tfc.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))));
}
