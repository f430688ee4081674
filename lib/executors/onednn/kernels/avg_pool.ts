/**
 * AvgPool on oneDNN's pooling primitive (average over in-bounds elements, as tfjs).
 *
 * @module
 */
import { AvgPool, type KernelConfig } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { cpuKernel, inputsOf, onednn, sizeOf } from "../kernel_util.ts";
import { poolGeometryOf } from "../pool_kernel.ts";
import { poolForward } from "../primitives/pool.ts";

/** `AvgPool` for the onednn backend. */
export const avgPoolConfig: KernelConfig = {
  kernelName: AvgPool,
  backendName: "onednn",
  kernelFunc(args) {
    const { x } = inputsOf(args);
    const g = poolGeometryOf(args, x);
    if (!g || sizeOf(x.shape) === 0) return cpuKernel(AvgPool, args);
    const b = onednn(args);
    const shape = [g.dst[0], g.dst[2], g.dst[3], g.dst[1]];
    const out = b.alloc(shape);
    poolForward(b, g, ALG.poolingAvgExcludePadding).run([b.f32(x), out]);
    return b.output(shape, out);
  },
};
