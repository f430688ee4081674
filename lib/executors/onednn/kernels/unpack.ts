/**
 * Unpack (unstack) along an inner axis as strided copies on oneDNN; along the first axis the cpu
 * kernel's views are free.
 *
 * @module
 */
import {
  type KernelConfig,
  type TensorInfo,
  Unpack,
  type UnpackAttrs,
} from "@tensorflow/tfjs-core";
import { stridedCopy, stridesOf } from "../primitives/copy.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, SMALL } from "../kernel_util.ts";

/** `Unpack` for the onednn backend. */
export const unpackConfig: KernelConfig = {
  kernelName: Unpack,
  backendName: "onednn",
  kernelFunc(args) {
    const { value } = inputsOf(args);
    const { axis } = args.attrs as unknown as UnpackAttrs;
    const rank = value.shape.length;
    const $axis = axis < 0 ? axis + rank : axis;
    if (value.dtype !== "float32" || $axis === 0 || rank > 7 || sizeOf(value.shape) < SMALL) {
      return cpuKernel(Unpack, args);
    }
    const b = onednn(args);
    const xs = stridesOf(value.shape);
    const shape = value.shape.filter((_, i) => i !== $axis);
    const srcStrides = xs.filter((_, i) => i !== $axis);
    const dstStrides = stridesOf(shape);
    const outs: TensorInfo[] = [];
    for (let j = 0; j < value.shape[$axis]; j++) {
      const out = b.alloc(shape);
      stridedCopy(b, shape, b.f32(value), j * xs[$axis], srcStrides, out, 0, dstStrides);
      outs.push(b.output(shape.slice(), out));
    }
    return outs;
  },
};
