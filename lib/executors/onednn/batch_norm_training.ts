/**
 * Training-mode batch normalisation as one kernel: `OnednnBatchNormTraining` takes x, scale and
 * offset and returns [y, batch mean, batch variance (biased)]. Its registered gradient runs
 * oneDNN's full backward (through the batch statistics) in one pass, where tfjs would chain the
 * gradients of moments() and FusedBatchNorm through a dozen full-size elementwise ops.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { GradConfig, KernelConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs-core";
import { bnForwardTraining, bnShape } from "./bn_primitives.ts";
import { inputsOf, onednn } from "./kernel_util.ts";

/** The kernel's name. */
export const BATCH_NORM_TRAINING = "OnednnBatchNormTraining";
/** Its gradient kernel's name (see batch_norm_training_grad.ts). */
export const BATCH_NORM_TRAINING_GRAD = "OnednnBatchNormTrainingGrad";

/** `OnednnBatchNormTraining` (inputs x, scale, offset; attr epsilon) for the onednn backend. */
export const batchNormTrainingConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING,
  backendName: "onednn",
  kernelFunc(args) {
    const b = onednn(args);
    const { x, scale, offset } = inputsOf(args);
    const { epsilon } = args.attrs as unknown as { epsilon: number };
    const s = bnShape(x.shape);
    const y = b.alloc(x.shape);
    const mean = b.pool.take(s.channels);
    const variance = b.pool.take(s.channels);
    bnForwardTraining(b, s, epsilon, { scale: true, shift: true }).run([
      b.f32(x),
      b.f32(scale),
      b.f32(offset),
      y,
      mean,
      variance,
    ]);
    return [
      b.output(x.shape.slice(), y),
      b.output([s.channels], mean),
      b.output([s.channels], variance),
    ];
  },
};

/** Normalise `x` over every axis but the last with batch statistics: [y, mean, variance]. */
export function batchNormTraining(
  x: Tensor,
  scale: Tensor,
  offset: Tensor,
  epsilon: number,
): [Tensor, Tensor, Tensor] {
  return tf.engine().runKernel(BATCH_NORM_TRAINING, { x, scale, offset }, {
    epsilon,
  }) as unknown as [Tensor, Tensor, Tensor];
}

/**
 * The gradient: dx, dscale, doffset from one backward call. A gradient flowing into the returned
 * mean or variance (rare: the moving averages do not reach the loss) is added with tf ops.
 */
export const batchNormTrainingGrad: GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ["x", "scale", "offset"],
  outputsToSave: [false, true, true],
  gradFunc(dys: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) {
    const [dy, dmean, dvariance] = dys as Tensor[];
    const [x, scale, offset, mean, variance] = saved;
    const [dx0, dscale, doffset] = tf.engine().runKernel(
      BATCH_NORM_TRAINING_GRAD,
      { dy, x, scale, offset, mean, variance },
      attrs,
    ) as unknown as Tensor[];
    let dx = dx0;
    if (anyNonZero(dmean) || anyNonZero(dvariance)) {
      const m = x.size / mean.size;
      dx = tf.add(
        dx0,
        tf.add(
          tf.div(dmean, m),
          tf.mul(tf.mul(tf.sub(x, mean), tf.div(dvariance, m)), 2),
        ),
      );
    }
    return { x: () => dx, scale: () => dscale, offset: () => doffset };
  },
};

function anyNonZero(t: Tensor | undefined): boolean {
  if (!t) return false;
  const v = t.dataSync();
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return true;
  return false;
}
