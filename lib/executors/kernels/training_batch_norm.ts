/**
 * Training-mode batch normalisation as one kernel for the wasm and cpu backends:
 * `TrainingBatchNorm` takes x, scale and offset and returns [y, batch mean, biased batch
 * variance]; its gradient is one `TrainingBatchNormGrad` call (dx, dscale, doffset), two passes
 * over the data each way (batch_norm_math.ts). tfjs-layers would instead chain moments(), a
 * FusedBatchNorm and their gradients: about a dozen full-size ops and reductions per layer, each
 * a transpose-and-reduce on wasm. With the attribute `relu` the output is max(y, 0), marked
 * non-negative so the ReLU that follows is free (relu.ts), and the backward masks dy by it. The
 * layer reaches this through batch_norm_layer.ts.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { addBatchStatsGrad } from "../gradients/batch_stats_grad.ts";
import { batchNormBackward, batchNormForward } from "./batch_norm_math.ts";
import { hostArrays } from "./host_arrays.ts";
import { channelPasses } from "./loop_pool.ts";
import { markNonNegative } from "./non_negative.ts";
import type { TensorInfo, Tf } from "./kernel_call.ts";

/** The forward kernel's name. */
export const TRAINING_BATCH_NORM = "TrainingBatchNorm";
/** The backward kernel's name. */
export const TRAINING_BATCH_NORM_GRAD = "TrainingBatchNormGrad";

/** Attributes of both kernels. */
export interface TrainingBatchNormAttrs {
  epsilon: number;
  relu: boolean;
}

function channelsOf(x: TensorInfo, scale: TensorInfo): number {
  const c = x.shape[x.shape.length - 1];
  if (x.shape.length < 2 || scale.shape.length !== 1 || scale.shape[0] !== c) {
    throw new Error(
      `${TRAINING_BATCH_NORM}: x [${x.shape}] must have rank ≥ 2 and scale [${scale.shape}] one ` +
        "value per channel (last axis)",
    );
  }
  return c;
}

/** Both kernels for `backendName` (wasm or cpu). */
export function trainingBatchNormConfigs(backendName: string): tfc.KernelConfig[] {
  return [
    {
      kernelName: TRAINING_BATCH_NORM,
      backendName,
      kernelFunc(args) {
        const { x, scale, offset } = args.inputs as Record<string, TensorInfo>;
        const { epsilon, relu } = args.attrs as unknown as TrainingBatchNormAttrs;
        const c = channelsOf(x, scale);
        const host = hostArrays(args.backend);
        const out = host.alloc(x.shape.slice(), [c], [c]);
        const [y, mean, variance] = out.map(host.view);
        batchNormForward(
          host.view(x),
          host.view(scale),
          host.view(offset),
          epsilon,
          relu,
          y,
          { mean, variance },
          channelPasses(),
        );
        if (relu) markNonNegative(out[0].dataId);
        return out;
      },
    },
    {
      kernelName: TRAINING_BATCH_NORM_GRAD,
      backendName,
      kernelFunc(args) {
        const { dy, x, scale, mean, variance, y } = args.inputs as Record<string, TensorInfo>;
        const { epsilon, relu } = args.attrs as unknown as TrainingBatchNormAttrs;
        const c = channelsOf(x, scale);
        const host = hostArrays(args.backend);
        const out = host.alloc(x.shape.slice(), [c], [c]);
        const [dx, dscale, doffset] = out.map(host.view);
        batchNormBackward(
          host.view(dy),
          host.view(x),
          host.view(scale),
          { mean: host.view(mean), variance: host.view(variance) },
          epsilon,
          relu ? host.view(y) : undefined,
          dx,
          dscale,
          doffset,
          channelPasses(),
        );
        return out;
      },
    },
  ];
}

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

/** [y, mean, variance] of a training batch norm over every axis but the last. */
export function trainingBatchNorm(
  tf: Tf,
  x: tfc.Tensor,
  scale: tfc.Tensor,
  offset: tfc.Tensor,
  epsilon: number,
  relu: boolean,
): tfc.Tensor[] {
  const attrs = { epsilon, relu } as unknown as tfc.NamedAttrMap;
  return tf.engine().runKernel(TRAINING_BATCH_NORM, { x, scale, offset }, attrs) as tfc.Tensor[];
}
