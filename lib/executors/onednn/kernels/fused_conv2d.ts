/**
 * FusedConv2D (convolution + bias + activation, what tfjs-layers' Conv2D calls) on oneDNN: bias
 * and activation are fused into the convolution primitive.
 *
 * @module
 */
import {
  backend_util,
  FusedConv2D,
  type FusedConv2DAttrs,
  type KernelConfig,
} from "@tensorflow/tfjs-core";
import { activationPostOps, convGeometry, runConvForward } from "../primitives/conv.ts";
import { allFloat32, anyEmpty, cpuKernel, inputsOf, onednn } from "../kernel_util.ts";

/** `FusedConv2D` for the onednn backend. */
export const fusedConv2DConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: "onednn",
  kernelFunc(args) {
    const { x, filter, bias, preluActivationWeights } = inputsOf(args);
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation, leakyreluAlpha } =
      args.attrs as unknown as FusedConv2DAttrs;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const g = convGeometry(info);
    const post = activationPostOps(activation, leakyreluAlpha);
    const biasOk = bias === undefined || bias === null ||
      (bias.shape.length === 1 && bias.shape[0] === info.outChannels);
    if (
      !g || !post || !biasOk || preluActivationWeights != null || !allFloat32(x, filter, bias) ||
      anyEmpty(x, filter)
    ) {
      return cpuKernel(FusedConv2D, args);
    }
    return runConvForward(
      onednn(args),
      g,
      info.outShape,
      x,
      filter,
      bias ?? undefined,
      post,
      `${activation}:${leakyreluAlpha}`,
    );
  },
};
