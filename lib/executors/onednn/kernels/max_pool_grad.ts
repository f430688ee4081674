/**
 * MaxPoolGrad on oneDNN: the forward runs again in training mode to produce the workspace (which
 * element won each window) that the backward primitive reads; tfjs does not keep one.
 *
 * @module
 */
import { type KernelConfig, MaxPoolGrad } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { cpuKernel, inputsOf, onednn, sizeOf } from "../kernel_util.ts";
import { poolGeometryOf } from "../pool_kernel.ts";
import { poolBackward, poolForwardTraining } from "../primitives/pool.ts";

/** `MaxPoolGrad` for the onednn backend. */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: "onednn",
  kernelFunc(args) {
    const { dy, input } = inputsOf(args);
    const g = poolGeometryOf(args, input);
    if (!g || dy.dtype !== "float32" || sizeOf(input.shape) === 0) {
      return cpuKernel(MaxPoolGrad, args);
    }
    const b = onednn(args);
    const fwd = poolForwardTraining(b, g, ALG.poolingMax);
    const y = b.alloc(dy.shape);
    const ws = b.pool.take(Math.ceil(fwd.wsBytes / 4));
    fwd.prim.run([b.f32(input), y, ws]);
    const dx = b.alloc(input.shape);
    poolBackward(b, g, ALG.poolingMax).run([b.f32(dy), ws, dx]);
    b.pool.give(y);
    b.pool.give(ws);
    return b.output(input.shape.slice(), dx);
  },
};
