/**
 * BatchMatMul that transposes its operands explicitly and then multiplies them untransposed:
 * the wasm backend's transposed paths (used by every matmul gradient) are plain loops, while the
 * untransposed one runs on XNNPACK. A transpose costs one pass over an operand.
 *
 * XNNPACK treats the right operand as packed weights, which is slow when that operand is large
 * and the left one has few rows (the dense-layer weight gradient h^T·dy of a language model's
 * output layer: [200,700]·[700,10000]). There C = A·B is computed as (B^T·A^T)^T, which measured
 * about 1.7 times faster for that shape, transposes included.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { kernelCall, type TensorInfo, type Tf } from "../../host/kernel_call.ts";
import { type KernelFactory, requireStock } from "../../kernel_registry.ts";

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
      const run = kernelCall(tf, args.backend, backendName);
      const swapLast = (t: TensorInfo) => {
        const perm = t.shape.map((_, i) => i);
        const r = perm.length;
        [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
        return run("Transpose", { x: t }, { perm });
      };
      const multiply = (l: TensorInfo, r: TensorInfo) =>
        inner.kernelFunc({
          ...args,
          inputs: { a: l, b: r },
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        }) as TensorInfo;
      const ra = a.shape.length, rb = b.shape.length;
      const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
      const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
      const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
      const batch = Math.max(...[a, b].map((t) => t.shape.slice(0, -2).reduce((p, d) => p * d, 1)));
      if (batch === 1 && 4 * m < n && k * n >= 1 << 20) {
        // (B^T·A^T)^T: a transposed operand is already stored as its transpose.
        const bT = transposeB ? b : swapLast(b);
        const aT = transposeA ? a : swapLast(a);
        const cT = multiply(bT, aT);
        if (bT !== b) run.dispose(bT);
        if (aT !== a) run.dispose(aT);
        const c = swapLast(cT);
        run.dispose(cT);
        return c;
      }
      if (!transposeA && !transposeB) return inner.kernelFunc(args);
      const at = transposeA ? swapLast(a) : a;
      const bt = transposeB ? swapLast(b) : b;
      const out = multiply(at, bt);
      if (at !== a) run.dispose(at);
      if (bt !== b) run.dispose(bt);
      return out;
    },
  };
}

/** `BatchMatMul` for the wasm executor (registered in `../register_all_kernels.ts`). */
export const batchMatMulKernel: KernelFactory = {
  kernelName: "BatchMatMul",
  make: (tf, backendName, stock) =>
    batchMatMulConfig(tf, backendName, requireStock("BatchMatMul", backendName, stock)),
};
