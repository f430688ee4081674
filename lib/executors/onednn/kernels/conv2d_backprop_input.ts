/**
 * Conv2DBackpropInput (the convolution's data gradient) on oneDNN's backward-data primitive,
 * computed when first read.
 *
 * @module
 */
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
} from "@tensorflow/tfjs-core";
import { convBackwardData, convGeometry, filterFor } from "../primitives/conv.ts";
import { allFloat32, anyEmpty, cpuKernel, inputsOf, onednn } from "../kernel_util.ts";

/** `Conv2DBackpropInput` for the onednn backend. */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: "onednn",
  kernelFunc(args) {
    const { dy, filter } = inputsOf(args);
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args
      .attrs as unknown as Conv2DBackpropInputAttrs;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const g = convGeometry(info);
    if (!g || !allFloat32(dy, filter) || anyEmpty(dy, filter)) {
      return cpuKernel(Conv2DBackpropInput, args);
    }
    const b = onednn(args);
    // Lazy: the gradient of a network's input images is computed by tfjs and never read.
    return b.lazyOutput(info.inShape, [dy, filter], (out) => {
      const plan = convBackwardData(b, g);
      plan.prim.run([b.f32(dy), filterFor(b, filter, plan), out]);
    });
  },
};
