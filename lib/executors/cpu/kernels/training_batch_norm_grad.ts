/**
 * The backward pass of `TrainingBatchNorm` as one kernel (dx, dscale, doffset): two passes over
 * the data (host/batch_norm_math.ts), masked by the output when the forward fused a ReLU.
 *
 * @module
 */
import { batchNormBackward } from "../../host/batch_norm_math.ts";
import { hostArrays } from "../../host/host_arrays.ts";
import type { TensorInfo } from "../../host/kernel_call.ts";
import type { KernelFactory } from "../../kernel_registry.ts";
import { TRAINING_BATCH_NORM_GRAD, type TrainingBatchNormAttrs } from "../../kernel_names.ts";
import { channelPasses } from "../../loop_pool/pool.ts";
import { channelsOf } from "./_batch_norm_channels.ts";

/** `TrainingBatchNormGrad` on a backend whose tensors live in host memory (cpu, wasm). */
export const trainingBatchNormGradKernel: KernelFactory = {
  kernelName: TRAINING_BATCH_NORM_GRAD,
  make: (_tf, backendName) => ({
    kernelName: TRAINING_BATCH_NORM_GRAD,
    backendName,
    kernelFunc(args) {
      const { dy, x, scale, mean, variance, y } = args.inputs as Record<string, TensorInfo>;
      const { epsilon, relu } = args.attrs as unknown as TrainingBatchNormAttrs;
      const c = channelsOf(x, scale);
      const host = hostArrays(args.backend);
      const out = host.alloc(x.shape.slice(), [c], [c]);
      const [dx, dscale, doffset] = out.map(host.view);
      batchNormBackward(
        host.view(dy),
        host.view(x),
        host.view(scale),
        { mean: host.view(mean), variance: host.view(variance) },
        epsilon,
        relu ? host.view(y) : undefined,
        dx,
        dscale,
        doffset,
        channelPasses(),
      );
      return out;
    },
  }),
};
