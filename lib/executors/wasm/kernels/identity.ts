/**
 * Identity that shares its input's storage (a reference count) instead of copying it, as the cpu
 * backend's does. The engine clones every tensor it saves for the backward pass through this
 * kernel, so on wasm the stock copy cost a full-size memcpy for each of them: about 480 copies
 * in one ResNet-20 training step. Sharing is safe because no kernel writes into its inputs.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { TensorInfo, Tf } from "../../host/kernel_call.ts";
import { type KernelFactory } from "../../kernel_registry.ts";

interface RefCounted {
  incRef(dataId: object): void;
}

/** The kernel config for `backendName` (a backend with `incRef`, such as wasm). */
export function sharedIdentityConfig(tf: Tf, backendName: string): tfc.KernelConfig {
  return {
    kernelName: tf.Identity,
    backendName,
    kernelFunc(args) {
      const { x } = args.inputs as { x: TensorInfo };
      (args.backend as unknown as RefCounted).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
    },
  };
}

/** `Identity` for the wasm executor (registered in `../register_all_kernels.ts`). */
export const identityKernel: KernelFactory = {
  kernelName: "Identity",
  make: (tf, backendName) => sharedIdentityConfig(tf, backendName),
};
