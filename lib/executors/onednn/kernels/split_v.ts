/**
 * SplitV along an inner axis as strided copies on oneDNN (an LSTM splits its gate matrix this
 * way every step); along the first axis the cpu kernel's views are free.
 *
 * @module
 */
import {
  backend_util,
  type KernelConfig,
  SplitV,
  type SplitVAttrs,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import { stridedCopy, stridesOf } from "../primitives/copy.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, SMALL } from "../kernel_util.ts";

/** `SplitV` for the onednn backend. */
export const splitVConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: "onednn",
  kernelFunc(args) {
    const { x } = inputsOf(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
    const $axis = util.parseAxisParam(axis, x.shape)[0];
    if (
      x.dtype !== "float32" || $axis === 0 || x.shape.length > 6 || sizeOf(x.shape) < SMALL
    ) {
      return cpuKernel(SplitV, args);
    }
    const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
    const b = onednn(args);
    const xs = stridesOf(x.shape);
    const outs: TensorInfo[] = [];
    let at = 0;
    for (const size of sizes) {
      const shape = x.shape.slice();
      shape[$axis] = size;
      const out = b.alloc(shape);
      if (size > 0) stridedCopy(b, shape, b.f32(x), at * xs[$axis], xs, out, 0, stridesOf(shape));
      outs.push(b.output(shape, out));
      at += size;
    }
    return outs;
  },
};
