/**
 * The shape of every elementwise kernel on oneDNN: float32 inputs large enough to repay an FFI
 * call run one eltwise primitive, the rest run the cpu kernel.
 *
 * @module
 */
import type { KernelConfig } from "@tensorflow/tfjs-core";
import type { Eltwise } from "./primitives/eltwise.ts";
import { runEltwise } from "./primitives/eltwise.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, tooSmall } from "./kernel_util.ts";

/** A kernel config applying `e` to input `x`. */
export function unaryKernel(kernelName: string, e: Eltwise): KernelConfig {
  return {
    kernelName,
    backendName: "onednn",
    kernelFunc(args) {
      const { x } = inputsOf(args);
      if (x.dtype !== "float32" || tooSmall(args, sizeOf(x.shape))) {
        return cpuKernel(kernelName, args);
      }
      return runEltwise(onednn(args), e, x);
    },
  };
}
