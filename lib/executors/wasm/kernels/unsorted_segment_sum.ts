/**
 * UnsortedSegmentSum on the wasm heap as a direct scatter-add: the gradient of a gather
 * (embedding lookup) needs it and the wasm backend has none. One pass over the input.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { TensorInfo, Tf } from "../../host/kernel_call.ts";
import { type KernelFactory } from "../../kernel_registry.ts";

/** The part of the wasm backend this kernel uses. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tfc.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The kernel config for the wasm backend. */
export function unsortedSegmentSumConfig(tf: Tf, backendName = "wasm"): tfc.KernelConfig {
  return {
    kernelName: tf.UnsortedSegmentSum,
    backendName,
    kernelFunc: (args) => {
      const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
      const { numSegments } = args.attrs as unknown as tfc.UnsortedSegmentSumAttrs;
      const backend = args.backend as HeapBackend;
      const inner = x.shape.slice(segmentIds.shape.length);
      const width = inner.reduce((p, d) => p * d, 1);
      const out = backend.makeOutput([numSegments, ...inner], x.dtype);
      // Views are taken after makeOutput: an allocation may grow (and detach) the heap.
      const o = backend.typedArrayFromHeap(out);
      const v = backend.typedArrayFromHeap(x);
      const ids = backend.typedArrayFromHeap(segmentIds);
      o.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const s = ids[i];
        if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range ids.
        const src = i * width, dst = s * width;
        for (let j = 0; j < width; j++) o[dst + j] += v[src + j];
      }
      return out;
    },
  };
}

/** `UnsortedSegmentSum` for the wasm executor (registered in `../register_all_kernels.ts`). */
export const unsortedSegmentSumKernel: KernelFactory = {
  kernelName: "UnsortedSegmentSum",
  make: (tf, backendName) => unsortedSegmentSumConfig(tf, backendName),
};
