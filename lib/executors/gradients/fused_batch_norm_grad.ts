/**
 * The FusedBatchNorm gradient with per-channel statistics, without the stock gradient's
 * full-size Tile of 1/sqrt(var+eps) and its repeated full-size products: per-channel factors are
 * computed once on [C] and applied with one broadcast multiply. Three full-size passes (x-mean,
 * dy*(x-mean), dy*g) and two reductions instead of about ten. Other shapes use the stock gradient.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";

type Tf = typeof tfc;

/** Build the gradient config; `stock` is the gradient registered before, used for other shapes. */
export function fusedBatchNormGradConfig(tf: Tf, stock?: tfc.GradConfig): tfc.GradConfig {
  return {
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ["x", "mean", "variance", "scale"],
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const perChannel = mean.rank === 1 && variance.rank === 1 && x.rank >= 2 &&
        mean.shape[0] === x.shape[x.rank - 1] && (scale == null || scale.rank === 1);
      if (!perChannel && stock) return stock.gradFunc(dy, saved, attrs);
      if (!perChannel) throw new Error(`FusedBatchNorm gradient: unsupported shapes ${x.shape}`);
      const g = dy as tfc.Tensor;
      const eps = (attrs as unknown as tfc.FusedBatchNormAttrs).varianceEpsilon;
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const rstd = tf.rsqrt(tf.add(variance, eps));
      const gain = scale == null ? rstd : tf.mul(scale, rstd);
      // Shared by several partials. Computed here, not lazily: each partial runs in its own
      // tidy, which would dispose a tensor cached by the first one that made it.
      const sumDy = tf.sum(g, axes);
      const sumDyXc = tf.sum(tf.mul(g, tf.sub(x, mean)), axes);
      return {
        x: () => tf.mul(g, gain),
        mean: () => tf.neg(tf.mul(gain, sumDy)),
        variance: () => tf.mul(tf.mul(tf.mul(gain, tf.square(rstd)), -0.5), sumDyXc),
        scale: () => tf.mul(rstd, sumDyXc),
        offset: () => tf.reshape(sumDy, mean.shape),
      };
    },
  };
}
