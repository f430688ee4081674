/**
 * BatchMatMul that transposes its operands explicitly and then multiplies them untransposed:
 * the wasm backend's transposed paths (used by every matmul gradient) are plain loops, while the
 * untransposed one runs on XNNPACK. A transpose costs one pass over an operand.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { kernelCall, type TensorInfo, type Tf } from "./kernel_call.ts";

/** Wrap the backend's own `BatchMatMul` (`inner`) for `backendName`. */
export function batchMatMulConfig(
  tf: Tf,
  backendName: string,
  inner: tfc.KernelConfig,
): tfc.KernelConfig {
  return {
    kernelName: tf.BatchMatMul,
    backendName,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as tfc.BatchMatMulAttrs;
      if (!transposeA && !transposeB) return inner.kernelFunc(args);
      const run = kernelCall(tf, args.backend, backendName);
      const swapLast = (t: TensorInfo) => {
        const perm = t.shape.map((_, i) => i);
        const r = perm.length;
        [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
        return run("Transpose", { x: t }, { perm });
      };
      const at = transposeA ? swapLast(a) : a;
      const bt = transposeB ? swapLast(b) : b;
      const out = inner.kernelFunc({
        ...args,
        inputs: { a: at, b: bt },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
      if (at !== a) run.dispose(at);
      if (bt !== b) run.dispose(bt);
      return out;
    },
  };
}
