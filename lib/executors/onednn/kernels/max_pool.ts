/**
 * MaxPool on oneDNN's pooling primitive.
 *
 * @module
 */
import { type KernelConfig, MaxPool } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { cpuKernel, inputsOf, onednn, sizeOf } from "../kernel_util.ts";
import { poolGeometryOf } from "../pool_kernel.ts";
import { poolForward } from "../primitives/pool.ts";

/** `MaxPool` for the onednn backend. */
export const maxPoolConfig: KernelConfig = {
  kernelName: MaxPool,
  backendName: "onednn",
  kernelFunc(args) {
    const { x } = inputsOf(args);
    const g = poolGeometryOf(args, x);
    if (!g || sizeOf(x.shape) === 0) return cpuKernel(MaxPool, args);
    const b = onednn(args);
    const shape = [g.dst[0], g.dst[2], g.dst[3], g.dst[1]];
    const out = b.alloc(shape);
    poolForward(b, g, ALG.poolingMax).run([b.f32(x), out]);
    return b.output(shape, out);
  },
};
