/**
 * UnsortedSegmentSum (the gradient of a gather, hence of every embedding) as one scatter-add
 * pass. tfjs's cpu kernel builds it from a masked sum per segment, O(segments × rows) kernel
 * calls: seconds, and gigabytes of temporaries, for a 10,000-word embedding.
 *
 * @module
 */
import {
  type KernelConfig,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
} from "@tensorflow/tfjs-core";
import { cpuKernel, inputsOf, onednn, sizeOf } from "../kernel_util.ts";

/** `UnsortedSegmentSum` for the onednn backend. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: "onednn",
  kernelFunc(args) {
    const { x, segmentIds } = inputsOf(args);
    const { numSegments } = args.attrs as unknown as UnsortedSegmentSumAttrs;
    if (x.dtype !== "float32" || segmentIds.dtype !== "int32") {
      return cpuKernel(UnsortedSegmentSum, args);
    }
    const b = onednn(args);
    const rows = sizeOf(segmentIds.shape);
    const inner = rows === 0 ? 0 : sizeOf(x.shape) / rows;
    const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const out = b.pool.zeros(sizeOf(shape));
    const xs = b.f32(x);
    const ids = b.data.get(segmentIds.dataId).values as Int32Array;
    for (let r = 0; r < rows; r++) {
      const seg = ids[r];
      // Out-of-range ids contribute nothing, as in TensorFlow.
      if (seg < 0 || seg >= numSegments) continue;
      const src = r * inner;
      const dst = seg * inner;
      for (let j = 0; j < inner; j++) out[dst + j] += xs[src + j];
    }
    return b.output(shape, out);
  },
};
