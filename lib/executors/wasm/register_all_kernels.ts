/**
 * Every kernel the wasm executor registers over tfjs-backend-wasm's, in one list, and the
 * batch-norm route: tfjs-layers' batch norm trains through `TrainingBatchNorm` with a following
 * ReLU fused in, and the ReLU gradient passes dy through on that ReLU's output.
 *
 * @module
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import { patchBatchNormalization } from "../batch_norm_layer.ts";
import { trainingBatchNorm, trainingBatchNormKernel } from "../cpu/kernels/training_batch_norm.ts";
import { trainingBatchNormGradKernel } from "../cpu/kernels/training_batch_norm_grad.ts";
import { fusedReluGradConfig } from "../gradients/fused_relu_grad.ts";
import type { Tf } from "../host/kernel_call.ts";
import { type KernelFactory, registerKernels, wrapGradient } from "../kernel_registry.ts";
import { registerAllGradients } from "../register_all_gradients.ts";
import { batchMatMulKernel } from "./kernels/batch_mat_mul.ts";
import { conv2DKernel } from "./kernels/conv2d.ts";
import { conv2DBackpropFilterKernel } from "./kernels/conv2d_backprop_filter.ts";
import { conv2DBackpropInputKernel } from "./kernels/conv2d_backprop_input.ts";
import { fusedConv2DKernel } from "./kernels/fused_conv2d.ts";
import { identityKernel } from "./kernels/identity.ts";
import { reluKernel } from "./kernels/relu.ts";
import { unsortedSegmentSumKernel } from "./kernels/unsorted_segment_sum.ts";

/** The tfjs backend name. */
export const BACKEND_NAME = "wasm";

/** The kernels this executor replaces or adds. */
export const WASM_KERNELS: readonly KernelFactory[] = [
  conv2DKernel,
  fusedConv2DKernel,
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  batchMatMulKernel,
  unsortedSegmentSumKernel,
  identityKernel,
  reluKernel,
  // The host-memory kernels the cpu executor has too (tfjs backends share cpu code the same way).
  trainingBatchNormKernel,
  trainingBatchNormGradKernel,
];

/** Register the kernels, the shared gradients and the batch-norm route (idempotent). */
export function registerAllKernels(tf: Tf, layers: typeof tfl): void {
  registerKernels(tf, BACKEND_NAME, WASM_KERNELS);
  registerAllGradients(tf);
  wrapGradient(tf, tf.Relu, (relu) => fusedReluGradConfig(tf, relu, [BACKEND_NAME]));
  patchBatchNormalization(tf, layers, BACKEND_NAME, {
    run: (x, scale, offset, epsilon, relu) =>
      trainingBatchNorm(tf, x, scale, offset, epsilon, relu),
    fusesRelu: true,
  });
}
