/**
 * Training-mode batch normalisation as one kernel for the wasm and cpu backends:
 * `TrainingBatchNorm` takes x, scale and offset and returns [y, batch mean, biased batch
 * variance]; its gradient is one `TrainingBatchNormGrad` call (dx, dscale, doffset), two passes
 * over the data each way (host/batch_norm_math.ts). tfjs-layers would instead chain moments(), a
 * FusedBatchNorm and their gradients: about a dozen full-size ops and reductions per layer, each
 * a transpose-and-reduce on wasm. With the attribute `relu` the output is max(y, 0), marked
 * non-negative so the ReLU that follows is free (wasm/kernels/relu.ts), and the backward masks dy
 * by it (training_batch_norm_grad.ts; the gradient: gradients/training_batch_norm_grad.ts). The
 * layer reaches this through batch_norm_layer.ts.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { batchNormForward } from "../../host/batch_norm_math.ts";
import { hostArrays } from "../../host/host_arrays.ts";
import type { TensorInfo, Tf } from "../../host/kernel_call.ts";
import { markNonNegative } from "../../host/non_negative.ts";
import type { KernelFactory } from "../../kernel_registry.ts";
import { TRAINING_BATCH_NORM, type TrainingBatchNormAttrs } from "../../kernel_names.ts";
import { channelPasses } from "../../loop_pool/pool.ts";
import { channelsOf } from "./_batch_norm_channels.ts";

/** `TrainingBatchNorm` on a backend whose tensors live in host memory (cpu, wasm). */
export const trainingBatchNormKernel: KernelFactory = {
  kernelName: TRAINING_BATCH_NORM,
  make: (_tf, backendName) => ({
    kernelName: TRAINING_BATCH_NORM,
    backendName,
    kernelFunc(args) {
      const { x, scale, offset } = args.inputs as Record<string, TensorInfo>;
      const { epsilon, relu } = args.attrs as unknown as TrainingBatchNormAttrs;
      const c = channelsOf(x, scale);
      const host = hostArrays(args.backend);
      const out = host.alloc(x.shape.slice(), [c], [c]);
      const [y, mean, variance] = out.map(host.view);
      batchNormForward(
        host.view(x),
        host.view(scale),
        host.view(offset),
        epsilon,
        relu,
        y,
        { mean, variance },
        channelPasses(),
      );
      if (relu) markNonNegative(out[0].dataId);
      return out;
    },
  }),
};

/** [y, mean, variance] of a training batch norm over every axis but the last. */
export function trainingBatchNorm(
  tf: Tf,
  x: tfc.Tensor,
  scale: tfc.Tensor,
  offset: tfc.Tensor,
  epsilon: number,
  relu: boolean,
): tfc.Tensor[] {
  const attrs = { epsilon, relu } as unknown as tfc.NamedAttrMap;
  return tf.engine().runKernel(TRAINING_BATCH_NORM, { x, scale, offset }, attrs) as tfc.Tensor[];
}
