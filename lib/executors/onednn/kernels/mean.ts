/**
 * Mean on oneDNN. The global average pooling of CNN heads (a mean of NHWC data over H and W) runs
 * as an average-pooling primitive over the whole image, which oneDNN vectorises over channels;
 * its reduction primitive falls back to a generic kernel for that pattern. Other axes use the
 * reduction primitive.
 *
 * @module
 */
import {
  backend_util,
  type KernelConfig,
  Mean,
  type MeanAttrs,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { inputsOf, type KernelArgs, onednn, sizeOf, tooSmall } from "../kernel_util.ts";
import { poolForward, poolGeometry } from "../primitives/pool.ts";
import { reduceKernel } from "../reduce_kernel.ts";

const viaReduction = reduceKernel(Mean, ALG.reductionMean, "axis");

/** `Mean` for the onednn backend. */
export const meanConfig: KernelConfig = {
  kernelName: Mean,
  backendName: "onednn",
  kernelFunc(args) {
    const { x } = inputsOf(args);
    const { axis, keepDims } = args.attrs as unknown as MeanAttrs;
    const axes = util.parseAxisParam(axis, x.shape).sort();
    const spatial = x.shape.length === 4 && axes.length === 2 && axes[0] === 1 && axes[1] === 2;
    if (spatial && x.dtype === "float32" && !tooSmall(args, sizeOf(x.shape))) {
      return spatialMean(args, x, axes, keepDims);
    }
    return viaReduction.kernelFunc(args);
  },
};

function spatialMean(
  args: KernelArgs,
  x: TensorInfo,
  axes: number[],
  keepDims: boolean,
): TensorInfo {
  const b = onednn(args);
  const [n, h, w, c] = x.shape;
  const info = backend_util.computePool2DInfo([n, h, w, c], [h, w], 1, 1, "valid");
  const g = poolGeometry(info)!;
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  const out = b.alloc(shape);
  poolForward(b, g, ALG.poolingAvgExcludePadding).run([b.f32(x), out]);
  return b.output(shape, out);
}
