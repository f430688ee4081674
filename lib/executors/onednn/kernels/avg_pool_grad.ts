/**
 * AvgPoolGrad on oneDNN's pooling backward. tfjs's gradient divides by the full window size even
 * where the window overlaps padding (its forward divides by the in-bounds count); this matches
 * tfjs, so every executor trains the same, hence `avg_include_padding` here.
 *
 * @module
 */
import { AvgPoolGrad, type KernelConfig } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { cpuKernel, inputsOf, onednn, sizeOf } from "../kernel_util.ts";
import { poolGeometryOf } from "../pool_kernel.ts";
import { poolBackward } from "../primitives/pool.ts";

/** `AvgPoolGrad` for the onednn backend. */
export const avgPoolGradConfig: KernelConfig = {
  kernelName: AvgPoolGrad,
  backendName: "onednn",
  kernelFunc(args) {
    const { dy, input } = inputsOf(args);
    const g = poolGeometryOf(args, input);
    if (!g || dy.dtype !== "float32" || sizeOf(input.shape) === 0) {
      return cpuKernel(AvgPoolGrad, args);
    }
    const b = onednn(args);
    const dx = b.alloc(input.shape);
    poolBackward(b, g, ALG.poolingAvgIncludePadding).run([b.f32(dy), dx]);
    return b.output(input.shape.slice(), dx);
  },
};
