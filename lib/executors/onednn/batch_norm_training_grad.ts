/**
 * `OnednnBatchNormTrainingGrad`: training-mode batch normalisation's backward in one oneDNN call
 * (inputs dy, x, scale, offset, mean, variance; outputs [dx, dscale, doffset]).
 *
 * @module
 */
import type { KernelConfig } from "@tensorflow/tfjs-core";
import { BATCH_NORM_TRAINING_GRAD } from "./batch_norm_training.ts";
import { bnBackward, bnShape } from "./bn_primitives.ts";
import { inputsOf, onednn } from "./kernel_util.ts";

/** The gradient kernel for the onednn backend. */
export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_GRAD,
  backendName: "onednn",
  kernelFunc(args) {
    const b = onednn(args);
    const { dy, x, scale, offset, mean, variance } = inputsOf(args);
    const { epsilon } = args.attrs as unknown as { epsilon: number };
    const s = bnShape(x.shape);
    const dx = b.alloc(x.shape);
    const dscale = b.pool.take(s.channels);
    const doffset = b.pool.take(s.channels);
    bnBackward(b, s, epsilon, { scale: true, shift: true }).run([
      b.f32(x),
      b.f32(mean),
      b.f32(variance),
      b.f32(dy),
      b.f32(scale),
      b.f32(offset),
      dx,
      dscale,
      doffset,
    ]);
    return [
      b.output(x.shape.slice(), dx),
      b.output([s.channels], dscale),
      b.output([s.channels], doffset),
    ];
  },
};
