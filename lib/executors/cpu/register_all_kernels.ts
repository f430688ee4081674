/**
 * The kernels the cpu executor adds to tfjs-backend-cpu: the one-kernel training batch norm,
 * which the wasm executor shares. The cpu executor keeps the stock kernels otherwise, and the
 * layer's own batch-norm code, so it stays the reference the other executors are checked against.
 *
 * @module
 */
import type { Tf } from "../host/kernel_call.ts";
import { type KernelFactory, registerKernels } from "../kernel_registry.ts";
import { registerAllGradients } from "../register_all_gradients.ts";
import { trainingBatchNormKernel } from "./kernels/training_batch_norm.ts";
import { trainingBatchNormGradKernel } from "./kernels/training_batch_norm_grad.ts";

/** The tfjs backend name. */
export const BACKEND_NAME = "cpu";

/** The kernels this executor adds. */
export const CPU_KERNELS: readonly KernelFactory[] = [
  trainingBatchNormKernel,
  trainingBatchNormGradKernel,
];

/** Register the kernels and the shared gradients (idempotent). */
export function registerAllKernels(tf: Tf): void {
  registerKernels(tf, BACKEND_NAME, CPU_KERNELS);
  registerAllGradients(tf);
}
