/**
 * PadV2 (constant padding) on oneDNN: fill, then a strided copy of the input into place.
 *
 * @module
 */
import { type KernelConfig, PadV2, type PadV2Attrs } from "@tensorflow/tfjs-core";
import { stridedCopy, stridesOf } from "../primitives/copy.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, SMALL } from "../kernel_util.ts";

/** `PadV2` for the onednn backend. */
export const padV2Config: KernelConfig = {
  kernelName: PadV2,
  backendName: "onednn",
  kernelFunc(args) {
    const { x } = inputsOf(args);
    const { paddings, constantValue } = args.attrs as unknown as PadV2Attrs;
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    if (x.dtype !== "float32" || sizeOf(outShape) < SMALL || sizeOf(x.shape) === 0) {
      return cpuKernel(PadV2, args);
    }
    const b = onednn(args);
    const os = stridesOf(outShape);
    const offset = paddings.reduce((acc, [lo], i) => acc + lo * os[i], 0);
    const out = b.alloc(outShape).fill(constantValue);
    if (!stridedCopy(b, x.shape, b.f32(x), 0, stridesOf(x.shape), out, offset, os)) {
      b.pool.give(out);
      return cpuKernel(PadV2, args);
    }
    return b.output(outShape, out);
  },
};
