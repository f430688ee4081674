/**
 * Training-mode batch normalisation as one kernel: `OnednnBatchNormTraining` takes x, scale and
 * offset and returns [y, batch mean, batch variance (biased)]. Its registered gradient runs
 * oneDNN's full backward (through the batch statistics) in one pass, where tfjs would chain the
 * gradients of moments() and FusedBatchNorm through a dozen full-size elementwise ops.
 *
 * With the attribute `relu`, a ReLU is fused: the output is relu(y), a fourth output holds the
 * ReLU mask the backward reads (oneDNN's workspace, or the output itself where oneDNN has no fast
 * fused kernel for the shape), and the output is marked non-negative so that the ReLU the model
 * applies next costs nothing (relu.ts, eltwise_grad.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { GradConfig, KernelConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs-core";
import { addBatchStatsGrad } from "../../gradients/batch_stats_grad.ts";
import { bnForwardTraining, bnShape, fusedReluIsFast } from "../primitives/batch_norm.ts";
import { ALG } from "../constants.ts";
import { eltwiseForward } from "../primitives/eltwise.ts";
import { inputsOf, onednn } from "../kernel_util.ts";

/** The kernel's name. */
export const BATCH_NORM_TRAINING = "OnednnBatchNormTraining";
/** Its gradient kernel's name (see batch_norm_training_grad.ts). */
export const BATCH_NORM_TRAINING_GRAD = "OnednnBatchNormTrainingGrad";

/** Attributes of the kernel. */
export interface BatchNormTrainingAttrs {
  epsilon: number;
  relu: boolean;
}

/** `OnednnBatchNormTraining` (inputs x, scale, offset) for the onednn backend. */
export const batchNormTrainingConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING,
  backendName: "onednn",
  kernelFunc(args) {
    const b = onednn(args);
    const { x, scale, offset } = inputsOf(args);
    const { epsilon, relu } = args.attrs as unknown as BatchNormTrainingAttrs;
    const s = bnShape(x.shape);
    const y = b.alloc(x.shape);
    const mean = b.pool.take(s.channels);
    const variance = b.pool.take(s.channels);
    // A ReLU oneDNN cannot fuse fast runs after the batch norm, in place; its output then
    // serves as the backward's mask (see batch_norm_training_grad.ts).
    const fused = relu && fusedReluIsFast(b, s, epsilon);
    const { prim, wsFloats } = bnForwardTraining(b, s, epsilon, {
      scale: true,
      shift: true,
      relu: fused,
    });
    const data = [b.f32(x), b.f32(scale), b.f32(offset), y, mean, variance];
    const ws = fused ? b.pool.take(wsFloats) : undefined;
    if (ws) data.push(ws);
    prim.run(data);
    if (relu && !fused) eltwiseForward(b, { alg: ALG.eltwiseRelu }, y.length).run([y, y]);
    const out = [
      b.output(x.shape.slice(), y),
      b.output([s.channels], mean),
      b.output([s.channels], variance),
    ];
    if (relu) {
      b.markNonNegative(out[0]);
      out.push(ws ? b.output([wsFloats], ws) : b.output(x.shape.slice(), y));
    }
    return out;
  },
};

/**
 * Normalise `x` over every axis but the last with batch statistics, then apply ReLU when `relu`:
 * [y, mean, variance] (and the ReLU mask when `relu`).
 */
export function batchNormTraining(
  x: Tensor,
  scale: Tensor,
  offset: Tensor,
  epsilon: number,
  relu = false,
): Tensor[] {
  const attrs = { epsilon, relu } as unknown as NamedAttrMap;
  return tf.engine().runKernel(BATCH_NORM_TRAINING, { x, scale, offset }, attrs) as Tensor[];
}

/**
 * The gradient: dx, dscale, doffset from one backward call. A gradient flowing into the returned
 * mean or variance (rare: the moving averages do not reach the loss) is added with tf ops.
 */
export const batchNormTrainingGrad: GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ["x", "scale", "offset"],
  outputsToSave: [false, true, true, true],
  gradFunc(dys: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) {
    const [dy, dmean, dvariance] = dys as Tensor[];
    const [x, scale, offset, mean, variance, workspace] = saved;
    const inputs: Record<string, Tensor> = { dy, x, scale, offset, mean, variance };
    if (workspace) inputs.workspace = workspace;
    const [dx0, dscale, doffset] = tf.engine().runKernel(
      BATCH_NORM_TRAINING_GRAD,
      inputs,
      attrs,
    ) as unknown as Tensor[];
    const dx = addBatchStatsGrad(tf, dx0, x, mean, dmean, dvariance);
    return { x: () => dx, scale: () => dscale, offset: () => doffset };
  },
};
