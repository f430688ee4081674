/**
 * FusedBatchNorm with given statistics (inference, or any caller passing its own mean and
 * variance) on oneDNN's batch normalisation with global statistics. tfjs's own gradient, which
 * treats mean and variance as inputs, stays in place for it.
 *
 * @module
 */
import {
  FusedBatchNorm,
  type FusedBatchNormAttrs,
  type KernelConfig,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { bnForwardInference, bnShape } from "../primitives/batch_norm.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, tooSmall } from "../kernel_util.ts";

/** `FusedBatchNorm` for the onednn backend. */
export const fusedBatchNormConfig: KernelConfig = {
  kernelName: FusedBatchNorm,
  backendName: "onednn",
  kernelFunc(args) {
    const { x, mean, variance, scale, offset } = inputsOf(args);
    const { varianceEpsilon } = args.attrs as unknown as FusedBatchNormAttrs;
    const c = x.shape[x.shape.length - 1];
    const perChannel = (t: TensorInfo | undefined | null) =>
      t == null || (t.dtype === "float32" && t.shape.length === 1 && t.shape[0] === c);
    if (
      x.dtype !== "float32" || tooSmall(args, sizeOf(x.shape)) || !perChannel(mean) ||
      mean == null ||
      !perChannel(variance) || variance == null || !perChannel(scale) || !perChannel(offset)
    ) {
      return cpuKernel(FusedBatchNorm, args);
    }
    const b = onednn(args);
    const s = bnShape(x.shape);
    const affine = { scale: scale != null, shift: offset != null };
    const y = b.alloc(x.shape);
    const data = [b.f32(x), b.f32(mean), b.f32(variance)];
    if (scale != null) data.push(b.f32(scale));
    if (offset != null) data.push(b.f32(offset));
    data.push(y);
    bnForwardInference(b, s, varianceEpsilon, affine).run(data);
    return b.output(x.shape.slice(), y);
  },
};
