/**
 * Training-mode batch normalisation over the last axis as two passes over flat channels-last
 * arrays, forward and backward. Sums are accumulated in float64, so one pass yields both moments
 * without the cancellation a float32 E[x²] − E[x]² would suffer. The passes run through a
 * {@linkcode ChannelPasses}: inline, or split across threads (loop_pool/pool.ts).
 *
 * @module
 */
import { channelCombine, channelScale, channelSums, maskBy } from "./channel_passes.ts";

/** The four passes, each over a whole array (host/channel_passes.ts has their meaning). */
export interface ChannelPasses {
  sums(a: Float32Array, b: Float32Array, c: number, s: Float64Array, sp: Float64Array): void;
  scale(
    u: Float32Array,
    c: number,
    fa: Float32Array,
    fd: Float32Array,
    relu: boolean,
    out: Float32Array,
  ): void;
  combine(
    u: Float32Array,
    v: Float32Array,
    c: number,
    fa: Float32Array,
    fb: Float32Array,
    fd: Float32Array,
    out: Float32Array,
  ): void;
  mask(a: Float32Array, mask: Float32Array, out: Float32Array): void;
}

/** The passes on the calling thread (their ranges default to the whole array). */
export const INLINE_PASSES: ChannelPasses = {
  sums: channelSums,
  scale: channelScale,
  combine: channelCombine,
  mask: maskBy,
};

/** Per-channel statistics of a forward pass. */
export interface BatchStats {
  /** Batch mean per channel. */
  mean: Float32Array;
  /** Biased batch variance per channel. */
  variance: Float32Array;
}

/**
 * y = (x − mean)/sqrt(variance + ε)·scale + offset, per channel, with batch statistics; with
 * `relu`, y = max(that, 0). Writes `y` (same length as `x`), `mean` and `variance` (length C).
 */
export function batchNormForward(
  x: Float32Array,
  scale: Float32Array,
  offset: Float32Array,
  epsilon: number,
  relu: boolean,
  y: Float32Array,
  { mean, variance }: BatchStats,
  passes: ChannelPasses = INLINE_PASSES,
): void {
  const c = scale.length;
  const rows = x.length / c;
  const sum = new Float64Array(c), sq = new Float64Array(c);
  passes.sums(x, x, c, sum, sq);
  const a = new Float32Array(c), b = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const m = sum[k] / rows;
    const v = Math.max(sq[k] / rows - m * m, 0);
    mean[k] = m;
    variance[k] = v;
    a[k] = scale[k] / Math.sqrt(v + epsilon);
    b[k] = offset[k] - m * a[k];
  }
  passes.scale(x, c, a, b, relu, y);
}

/**
 * The full backward through the batch statistics: dx, dscale and doffset from dy. With `y` (the
 * forward's output when it applied ReLU), dy is first masked where y is zero; `dx` then serves
 * as the masked copy, so dy itself is never written.
 */
export function batchNormBackward(
  dy: Float32Array,
  x: Float32Array,
  scale: Float32Array,
  { mean, variance }: BatchStats,
  epsilon: number,
  y: Float32Array | undefined,
  dx: Float32Array,
  dscale: Float32Array,
  doffset: Float32Array,
  passes: ChannelPasses = INLINE_PASSES,
): void {
  const c = scale.length;
  const rows = x.length / c;
  let g = dy;
  if (y) {
    passes.mask(dy, y, dx);
    g = dx;
  }
  const sdy = new Float64Array(c), sdyx = new Float64Array(c);
  passes.sums(g, x, c, sdy, sdyx);
  // dx = scale·rstd·(dy − mean(dy) − x̂·mean(dy·x̂)) = a·dy + b·x + d per channel.
  const a = new Float32Array(c), b = new Float32Array(c), d = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const rstd = 1 / Math.sqrt(variance[k] + epsilon);
    const dyXhat = (sdyx[k] - mean[k] * sdy[k]) * rstd;
    doffset[k] = sdy[k];
    dscale[k] = dyXhat;
    a[k] = scale[k] * rstd;
    b[k] = -a[k] * rstd * dyXhat / rows;
    d[k] = -a[k] * sdy[k] / rows - b[k] * mean[k];
  }
  passes.combine(g, x, c, a, b, d, dx);
}
