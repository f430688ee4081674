/**
 * Conv2D on oneDNN: NHWC activations, weights in oneDNN's layout (see onednn/primitives/conv.ts).
 *
 * @module
 */
import { backend_util, Conv2D, type Conv2DAttrs, type KernelConfig } from "@tensorflow/tfjs-core";
import { convGeometry, runConvForward } from "../primitives/conv.ts";
import { allFloat32, anyEmpty, cpuKernel, inputsOf, onednn } from "../kernel_util.ts";

/** `Conv2D` for the onednn backend. */
export const conv2DConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: "onednn",
  kernelFunc(args) {
    const { x, filter } = inputsOf(args);
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = args
      .attrs as unknown as Conv2DAttrs;
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
    if (!g || !allFloat32(x, filter) || anyEmpty(x, filter)) {
      return cpuKernel(Conv2D, args);
    }
    return runConvForward(onednn(args), g, info.outShape, x, filter);
  },
};
