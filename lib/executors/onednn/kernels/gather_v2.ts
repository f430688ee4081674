/**
 * GatherV2 of float32 rows (an embedding lookup) as row copies; tfjs's cpu kernel moves one
 * element at a time through index arithmetic.
 *
 * @module
 */
import { GatherV2, type GatherV2Attrs, type KernelConfig, util } from "@tensorflow/tfjs-core";
import { cpuKernel, inputsOf, onednn, sizeOf } from "../kernel_util.ts";

/** `GatherV2` for the onednn backend. */
export const gatherV2Config: KernelConfig = {
  kernelName: GatherV2,
  backendName: "onednn",
  kernelFunc(args) {
    const { x, indices } = inputsOf(args);
    const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs;
    const $axis = util.parseAxisParam(axis, x.shape)[0];
    if (
      x.dtype !== "float32" || indices.dtype !== "int32" || $axis !== 0 || (batchDims ?? 0) !== 0
    ) {
      return cpuKernel(GatherV2, args);
    }
    const b = onednn(args);
    const ids = b.data.get(indices.dataId).values as Int32Array;
    const rows = x.shape[0];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= rows) return cpuKernel(GatherV2, args); // cpu names the bad index
    }
    const inner = sizeOf(x.shape.slice(1));
    const shape = [...indices.shape, ...x.shape.slice(1)];
    const out = b.alloc(shape);
    const xs = b.f32(x);
    for (let i = 0; i < ids.length; i++) {
      out.set(xs.subarray(ids[i] * inner, (ids[i] + 1) * inner), i * inner);
    }
    return b.output(shape, out);
  },
};
