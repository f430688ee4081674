/**
 * `OnednnBatchNormTrainingGrad`: training-mode batch normalisation's backward in one oneDNN call
 * (inputs dy, x, scale, offset, mean, variance, and the ReLU mask when the forward fused one;
 * outputs [dx, dscale, doffset]).
 *
 * @module
 */
import type { KernelConfig } from "@tensorflow/tfjs-core";
import { BATCH_NORM_TRAINING_GRAD, type BatchNormTrainingAttrs } from "./batch_norm_training.ts";
import { bnBackward, bnShape, fusedReluIsFast } from "../primitives/batch_norm.ts";
import { ALG } from "../constants.ts";
import { runEltwiseGrad } from "../primitives/eltwise.ts";
import { inputsOf, onednn } from "../kernel_util.ts";

/** The gradient kernel for the onednn backend. */
export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_GRAD,
  backendName: "onednn",
  kernelFunc(args) {
    const b = onednn(args);
    const { dy, x, scale, offset, mean, variance, workspace } = inputsOf(args);
    const { epsilon, relu } = args.attrs as unknown as BatchNormTrainingAttrs;
    const s = bnShape(x.shape);
    const fused = relu && fusedReluIsFast(b, s, epsilon);
    // Unfused, the workspace is the ReLU's output: mask dy by it first.
    const g = relu && !fused
      ? runEltwiseGrad(b, { alg: ALG.eltwiseReluUseDst }, dy, workspace)
      : dy;
    const dx = b.alloc(x.shape);
    const dscale = b.pool.take(s.channels);
    const doffset = b.pool.take(s.channels);
    const data = [
      b.f32(x),
      b.f32(mean),
      b.f32(variance),
      b.f32(g),
      b.f32(scale),
      b.f32(offset),
    ];
    if (fused) data.push(b.f32(workspace));
    data.push(dx, dscale, doffset);
    bnBackward(b, s, epsilon, { scale: true, shift: true, relu: fused }).run(data);
    if (g !== dy) b.disposeData(g.dataId);
    return [
      b.output(x.shape.slice(), dx),
      b.output([s.channels], dscale),
      b.output([s.channels], doffset),
    ];
  },
};
