/**
 * Conv2DBackpropFilter (the convolution's weight gradient) on oneDNN's backward-weights
 * primitive; the gradient comes out in oneDNN's layout and is reordered to HWIO.
 *
 * @module
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
} from "@tensorflow/tfjs-core";
import { convBackwardWeights, convGeometry } from "../primitives/conv.ts";
import { allFloat32, anyEmpty, cpuKernel, inputsOf, onednn } from "../kernel_util.ts";

/** `Conv2DBackpropFilter` for the onednn backend. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: "onednn",
  kernelFunc(args) {
    const { x, dy } = inputsOf(args);
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args
      .attrs as unknown as Conv2DBackpropFilterAttrs;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const g = convGeometry(info);
    if (!g || !allFloat32(x, dy) || anyEmpty(x, dy)) {
      return cpuKernel(Conv2DBackpropFilter, args);
    }
    const b = onednn(args);
    const plan = convBackwardWeights(b, g, false);
    const out = b.alloc(filterShape);
    const xs = b.f32(x);
    const dys = b.f32(dy);
    if (plan.toHwio) {
      const blocked = b.pool.take(plan.diffFloats);
      plan.prim.run([xs, dys, blocked]);
      plan.toHwio.run([blocked, out]);
      b.pool.give(blocked);
    } else {
      plan.prim.run([xs, dys, out]);
    }
    return b.output(filterShape, out);
  },
};
