/**
 * Transpose as one strided copy on oneDNN: the output read through the input's permuted strides.
 *
 * @module
 */
import { type KernelConfig, Transpose, type TransposeAttrs } from "@tensorflow/tfjs-core";
import { stridedCopy, stridesOf } from "../primitives/copy.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, SMALL } from "../kernel_util.ts";

/** `Transpose` for the onednn backend. */
export const transposeConfig: KernelConfig = {
  kernelName: Transpose,
  backendName: "onednn",
  kernelFunc(args) {
    const { x } = inputsOf(args);
    const { perm } = args.attrs as unknown as TransposeAttrs;
    if (x.dtype !== "float32" || sizeOf(x.shape) < SMALL || x.shape.length > 6) {
      return cpuKernel(Transpose, args);
    }
    const b = onednn(args);
    const xs = stridesOf(x.shape);
    const shape = perm.map((p) => x.shape[p]);
    const out = b.alloc(shape);
    stridedCopy(b, shape, b.f32(x), 0, perm.map((p) => xs[p]), out, 0, stridesOf(shape));
    return b.output(shape, out);
  },
};
