/**
 * FusedConv2D (a per-channel bias or none, a linear or ReLU activation) by the same direct
 * convolution as Conv2D (conv2d.ts), with the bias and the ReLU applied in its output loop; other
 * attributes and shapes keep the stock kernel.
 *
 * @module
 */
import { type KernelFactory, requireStock } from "../../kernel_registry.ts";
import { conv2DConfig } from "./conv2d.ts";

/** `FusedConv2D` for the wasm executor (registered in `../register_all_kernels.ts`). */
export const fusedConv2DKernel: KernelFactory = {
  kernelName: "FusedConv2D",
  make: (tf, backendName, stock) =>
    conv2DConfig(tf, backendName, requireStock("FusedConv2D", backendName, stock), true),
};
