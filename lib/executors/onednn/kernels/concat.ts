/**
 * Concat on oneDNN: each input is a strided copy into its place in the output (DenseNet
 * concatenates along channels, which the cpu kernel copies one element at a time).
 *
 * @module
 */
import {
  backend_util,
  Concat,
  type ConcatAttrs,
  type KernelConfig,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import { stridedCopy, stridesOf } from "../primitives/copy.ts";
import { cpuKernel, onednn, sizeOf, SMALL } from "../kernel_util.ts";

/** `Concat` for the onednn backend. */
export const concatConfig: KernelConfig = {
  kernelName: Concat,
  backendName: "onednn",
  kernelFunc(args) {
    const inputs = args.inputs as unknown as TensorInfo[];
    const { axis } = args.attrs as unknown as ConcatAttrs;
    const $axis = util.parseAxisParam(axis, inputs[0].shape)[0];
    const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), $axis);
    if (
      inputs.some((t) => t.dtype !== "float32") || sizeOf(outShape) < SMALL ||
      inputs.length < 2
    ) {
      return cpuKernel(Concat, args);
    }
    const b = onednn(args);
    const os = stridesOf(outShape);
    const out = b.alloc(outShape);
    let at = 0;
    for (const t of inputs) {
      if (sizeOf(t.shape) > 0) {
        const ok = stridedCopy(
          b,
          t.shape,
          b.f32(t),
          0,
          stridesOf(t.shape),
          out,
          at * os[$axis],
          os,
        );
        if (!ok) {
          b.pool.give(out);
          return cpuKernel(Concat, args);
        }
      }
      at += t.shape[$axis];
    }
    return b.output(outShape, out);
  },
};
