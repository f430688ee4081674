/**
 * Slice as a strided copy on oneDNN. Contiguous slices stay with the cpu kernel, which returns a
 * view without copying.
 *
 * @module
 */
import { type KernelConfig, Slice, slice_util, type SliceAttrs } from "@tensorflow/tfjs-core";
import { stridedCopy, stridesOf } from "../primitives/copy.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, SMALL } from "../kernel_util.ts";

/** `Slice` for the onednn backend. */
export const sliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: "onednn",
  kernelFunc(args) {
    const { x } = inputsOf(args);
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    const [$begin, $size] = slice_util.parseSliceParams(x, begin, size);
    slice_util.assertParamsValid(x, $begin, $size);
    const n = sizeOf($size);
    if (
      x.dtype !== "float32" || n < SMALL || slice_util.isSliceContinous(x.shape, $begin, $size)
    ) {
      return cpuKernel(Slice, args);
    }
    const b = onednn(args);
    const xs = stridesOf(x.shape);
    const offset = $begin.reduce((acc, v, i) => acc + v * xs[i], 0);
    const out = b.alloc($size);
    if (!stridedCopy(b, $size, b.f32(x), offset, xs, out, 0, stridesOf($size))) {
      b.pool.give(out);
      return cpuKernel(Slice, args);
    }
    return b.output($size, out);
  },
};
