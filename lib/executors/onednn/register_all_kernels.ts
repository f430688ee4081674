/**
 * Register the onednn backend: every cpu kernel under the new backend name (same storage, so they
 * run unchanged), then the oneDNN kernels over them, from one explicit list; then the gradients
 * that call oneDNN backward primitives, and the tfjs-layers batch-norm route.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { absConfig } from "./kernels/abs.ts";
import { addConfig } from "./kernels/add.ts";
import { avgPoolConfig } from "./kernels/avg_pool.ts";
import { avgPoolGradConfig } from "./kernels/avg_pool_grad.ts";
import { OnednnBackend } from "./backend.ts";
import { batchMatMulConfig } from "./kernels/batch_mat_mul.ts";
import { patchBatchNormalization } from "../batch_norm_layer.ts";
import {
  batchNormTraining,
  batchNormTrainingConfig,
  batchNormTrainingGrad,
} from "./kernels/batch_norm_training.ts";
import { batchNormTrainingGradConfig } from "./kernels/batch_norm_training_grad.ts";
import { concatConfig } from "./kernels/concat.ts";
import { conv2DConfig } from "./kernels/conv2d.ts";
import { conv2DBackpropFilterConfig } from "./kernels/conv2d_backprop_filter.ts";
import { conv2DBackpropInputConfig } from "./kernels/conv2d_backprop_input.ts";
import type { Dnnl } from "./dnnl.ts";
import { eltwiseGradConfigs, eltwiseGradKernels } from "./kernels/eltwise_grad.ts";
import { expConfig } from "./kernels/exp.ts";
import { fusedBatchNormConfig } from "./kernels/fused_batch_norm.ts";
import { fusedConv2DConfig } from "./kernels/fused_conv2d.ts";
import { fusedMatMulConfig } from "./kernels/fused_mat_mul.ts";
import { gatherV2Config } from "./kernels/gather_v2.ts";
import { logConfig } from "./kernels/log.ts";
import { maxConfig } from "./kernels/max.ts";
import { maxPoolConfig } from "./kernels/max_pool.ts";
import { maxPoolGradConfig } from "./kernels/max_pool_grad.ts";
import { maximumConfig } from "./kernels/maximum.ts";
import { meanConfig } from "./kernels/mean.ts";
import { minConfig } from "./kernels/min.ts";
import { minimumConfig } from "./kernels/minimum.ts";
import { mulConfig } from "./kernels/mul.ts";
import { negConfig } from "./kernels/neg.ts";
import { padV2Config } from "./kernels/pad_v2.ts";
import { realDivConfig } from "./kernels/real_div.ts";
import { reluConfig } from "./kernels/relu.ts";
import { sigmoidConfig } from "./kernels/sigmoid.ts";
import { sliceConfig } from "./kernels/slice.ts";
import { softmaxConfig } from "./kernels/softmax.ts";
import { sqrtConfig } from "./kernels/sqrt.ts";
import { squareConfig } from "./kernels/square.ts";
import { subConfig } from "./kernels/sub.ts";
import { sumConfig } from "./kernels/sum.ts";
import { tanhConfig } from "./kernels/tanh.ts";
import { splitVConfig } from "./kernels/split_v.ts";
import { transposeConfig } from "./kernels/transpose.ts";
import { unpackConfig } from "./kernels/unpack.ts";
import { unsortedSegmentSumConfig } from "./kernels/unsorted_segment_sum.ts";

/** The backend name tfjs knows this executor by. */
export const BACKEND_NAME = "onednn";

/** The kernels that run on oneDNN (each falls back to the cpu kernel outside its domain). */
export function onednnKernels(): tf.KernelConfig[] {
  return [
    conv2DConfig,
    fusedConv2DConfig,
    conv2DBackpropInputConfig,
    conv2DBackpropFilterConfig,
    fusedBatchNormConfig,
    batchNormTrainingConfig,
    batchNormTrainingGradConfig,
    batchMatMulConfig,
    fusedMatMulConfig,
    maxPoolConfig,
    maxPoolGradConfig,
    avgPoolConfig,
    avgPoolGradConfig,
    reluConfig,
    sigmoidConfig,
    tanhConfig,
    expConfig,
    logConfig,
    squareConfig,
    sqrtConfig,
    absConfig,
    negConfig,
    ...eltwiseGradKernels(),
    addConfig,
    subConfig,
    mulConfig,
    realDivConfig,
    maximumConfig,
    minimumConfig,
    sumConfig,
    meanConfig,
    maxConfig,
    minConfig,
    softmaxConfig,
    sliceConfig,
    padV2Config,
    concatConfig,
    unpackConfig,
    splitVConfig,
    transposeConfig,
    unsortedSegmentSumConfig,
    gatherV2Config,
  ];
}

/**
 * Register the backend and its kernels once per process; returns the backend instance. The cpu
 * backend must be registered already (importing tfjs-backend-cpu does it).
 */
export function registerOnednnBackend(dnnl: Dnnl): OnednnBackend {
  const existing = tf.findBackend(BACKEND_NAME);
  if (existing) return existing as OnednnBackend;
  const backend = new OnednnBackend(dnnl);
  tf.registerBackend(BACKEND_NAME, () => backend, 1);
  const own = onednnKernels();
  const names = new Set(own.map((k) => k.kernelName));
  for (const k of tf.getKernelsForBackend("cpu")) {
    if (!names.has(k.kernelName)) tf.registerKernel({ ...k, backendName: BACKEND_NAME });
  }
  for (const k of own) tf.registerKernel(k);
  return backend;
}

/**
 * Register the gradients that run oneDNN backward primitives and route tfjs-layers' batch norm
 * through the fused training kernel. Call after tfjs-layers has loaded.
 */
export function registerOnednnGradients(layers: typeof tfl): void {
  tf.registerGradient(batchNormTrainingGrad);
  for (const g of eltwiseGradConfigs(BACKEND_NAME)) tf.registerGradient(g);
  patchBatchNormalization(tf, layers, BACKEND_NAME, { run: batchNormTraining, fusesRelu: true });
}
