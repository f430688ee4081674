/**
 * _FusedMatMul (matmul + bias + activation, what tfjs-layers' Dense calls) on oneDNN's matmul
 * with the bias and activation fused.
 *
 * @module
 */
import { _FusedMatMul, type _FusedMatMulAttrs, type KernelConfig } from "@tensorflow/tfjs-core";
import { activationPostOps } from "../primitives/conv.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, SMALL } from "../kernel_util.ts";
import { matmulProblem, matmulWork, runMatmul } from "../primitives/matmul.ts";

/** `_FusedMatMul` for the onednn backend. */
export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: "onednn",
  kernelFunc(args) {
    const { a, b, bias, preluActivationWeights } = inputsOf(args);
    const { transposeA, transposeB, activation, leakyreluAlpha } = args
      .attrs as unknown as _FusedMatMulAttrs;
    const p = matmulProblem(a, b, transposeA, transposeB);
    const post = activationPostOps(activation, leakyreluAlpha);
    const biasOk = bias == null ||
      (bias.dtype === "float32" && sizeOf(bias.shape) === p?.n &&
        bias.shape[bias.shape.length - 1] === p.n);
    if (
      !p || !post || !biasOk || preluActivationWeights != null || a.dtype !== "float32" ||
      b.dtype !== "float32" || matmulWork(p) < SMALL * 8
    ) {
      return cpuKernel(_FusedMatMul, args);
    }
    return runMatmul(
      onednn(args),
      p,
      a,
      b,
      bias ?? undefined,
      post,
      `${activation}:${leakyreluAlpha}`,
    );
  },
};
