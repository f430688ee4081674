/**
 * Register the onednn backend: every cpu kernel under the new backend name (same storage, so they
 * run unchanged), then the oneDNN kernels over them, from one explicit list; then the gradients
 * that call oneDNN backward primitives, and the tfjs-layers batch-norm route.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { absConfig } from "./abs.ts";
import { addConfig } from "./add.ts";
import { avgPoolConfig } from "./avg_pool.ts";
import { avgPoolGradConfig } from "./avg_pool_grad.ts";
import { OnednnBackend } from "./backend.ts";
import { batchMatMulConfig } from "./batch_mat_mul.ts";
import { patchBatchNormalization } from "../batch_norm_layer.ts";
import {
  batchNormTraining,
  batchNormTrainingConfig,
  batchNormTrainingGrad,
} from "./batch_norm_training.ts";
import { batchNormTrainingGradConfig } from "./batch_norm_training_grad.ts";
import { concatConfig } from "./concat.ts";
import { conv2DConfig } from "./conv2d.ts";
import { conv2DBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2DBackpropInputConfig } from "./conv2d_backprop_input.ts";
import type { Dnnl } from "./dnnl.ts";
import { eltwiseGradConfigs, eltwiseGradKernels } from "./eltwise_grad.ts";
import { expConfig } from "./exp.ts";
import { fusedBatchNormConfig } from "./fused_batch_norm.ts";
import { fusedConv2DConfig } from "./fused_conv2d.ts";
import { fusedMatMulConfig } from "./fused_mat_mul.ts";
import { gatherV2Config } from "./gather_v2.ts";
import { logConfig } from "./log.ts";
import { maxConfig } from "./max.ts";
import { maxPoolConfig } from "./max_pool.ts";
import { maxPoolGradConfig } from "./max_pool_grad.ts";
import { maximumConfig } from "./maximum.ts";
import { meanConfig } from "./mean.ts";
import { minConfig } from "./min.ts";
import { minimumConfig } from "./minimum.ts";
import { mulConfig } from "./mul.ts";
import { negConfig } from "./neg.ts";
import { padV2Config } from "./pad_v2.ts";
import { realDivConfig } from "./real_div.ts";
import { reluConfig } from "./relu.ts";
import { sigmoidConfig } from "./sigmoid.ts";
import { sliceConfig } from "./slice.ts";
import { softmaxConfig } from "./softmax.ts";
import { sqrtConfig } from "./sqrt.ts";
import { squareConfig } from "./square.ts";
import { subConfig } from "./sub.ts";
import { sumConfig } from "./sum.ts";
import { tanhConfig } from "./tanh.ts";
import { splitVConfig } from "./split_v.ts";
import { transposeConfig } from "./transpose.ts";
import { unpackConfig } from "./unpack.ts";
import { unsortedSegmentSumConfig } from "./unsorted_segment_sum.ts";

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
