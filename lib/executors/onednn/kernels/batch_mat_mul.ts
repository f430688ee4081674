/**
 * BatchMatMul on oneDNN's matmul primitive (transposes as strides).
 *
 * @module
 */
import { BatchMatMul, type BatchMatMulAttrs, type KernelConfig } from "@tensorflow/tfjs-core";
import { cpuKernel, inputsOf, onednn, SMALL } from "../kernel_util.ts";
import { matmulProblem, matmulWork, runMatmul } from "../primitives/matmul.ts";

/** `BatchMatMul` for the onednn backend. */
export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: "onednn",
  kernelFunc(args) {
    const { a, b } = inputsOf(args);
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const p = matmulProblem(a, b, transposeA, transposeB);
    if (!p || a.dtype !== "float32" || b.dtype !== "float32" || matmulWork(p) < SMALL * 8) {
      return cpuKernel(BatchMatMul, args);
    }
    return runMatmul(onednn(args), p, a, b);
  },
};
