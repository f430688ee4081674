/**
 * Relu on oneDNN's eltwise primitive. On data a fused batch-norm ReLU already produced, it is the
 * identity and shares that data (the model's own ReLU layer then costs nothing).
 *
 * @module
 */
import { type KernelConfig, Relu } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { inputsOf, onednn } from "../kernel_util.ts";
import { unaryKernel } from "../unary_kernel.ts";

const eltwise = unaryKernel(Relu, { alg: ALG.eltwiseRelu });

/** `Relu` for the onednn backend. */
export const reluConfig: KernelConfig = {
  kernelName: Relu,
  backendName: "onednn",
  kernelFunc(args) {
    const { x } = inputsOf(args);
    const b = onednn(args);
    if (b.isNonNegative(x)) {
      b.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
    }
    return eltwise.kernelFunc(args);
  },
};
