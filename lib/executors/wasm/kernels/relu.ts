/**
 * Relu that is the identity on data a batch norm with a fused ReLU produced (see
 * host/non_negative.ts): it shares that data, so the model's own ReLU layer costs nothing. Other
 * inputs go to the backend's stock kernel.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { TensorInfo, Tf } from "../../host/kernel_call.ts";
import { isNonNegative } from "../../host/non_negative.ts";
import { type KernelFactory, requireStock } from "../../kernel_registry.ts";

/** The kernel config for `backendName`, delegating to `stock` (the kernel it replaces). */
export function reluConfig(tf: Tf, backendName: string, stock: tfc.KernelConfig): tfc.KernelConfig {
  return {
    kernelName: tf.Relu,
    backendName,
    kernelFunc(args) {
      const { x } = args.inputs as { x: TensorInfo };
      if (!isNonNegative(x.dataId)) return stock.kernelFunc(args);
      (args.backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
    },
  };
}

/** `Relu` for the wasm executor (registered in `../register_all_kernels.ts`). */
export const reluKernel: KernelFactory = {
  kernelName: "Relu",
  make: (tf, backendName, stock) =>
    reluConfig(tf, backendName, requireStock("Relu", backendName, stock)),
};
