/**
 * The part of a training batch norm's gradient that flows through its batch statistics outputs.
 * The moving averages never reach the loss, so these gradients are almost always zero; when one is
 * not (a loss that reads the statistics), it is added to dx with plain tf ops.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";

/** dx plus the contribution of dmean and dvariance (biased variance over all but the last axis). */
export function addBatchStatsGrad(
  tf: typeof tfc,
  dx: tfc.Tensor,
  x: tfc.Tensor,
  mean: tfc.Tensor,
  dmean: tfc.Tensor | undefined,
  dvariance: tfc.Tensor | undefined,
): tfc.Tensor {
  if (!anyNonZero(dmean) && !anyNonZero(dvariance)) return dx;
  const m = x.size / mean.size;
  const zero = tf.zerosLike(mean);
  return tf.add(
    dx,
    tf.add(
      tf.div(dmean ?? zero, m),
      tf.mul(tf.mul(tf.sub(x, mean), tf.div(dvariance ?? zero, m)), 2),
    ),
  );
}

function anyNonZero(t: tfc.Tensor | undefined): boolean {
  if (!t) return false;
  const v = t.dataSync();
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return true;
  return false;
}
