/**
 * The onednn executor runs the executor conformance suite (`../conformance.ts`). Every kernel
 * call and training step on it must run oneDNN primitives (`dnnl.runs` rises), except where the
 * executor keeps a call off oneDNN by design: UnsortedSegmentSum is a JavaScript loop (no
 * primitive), and a matmul under `SMALL * 8` multiply-adds runs the cpu kernel (an FFI call costs
 * more than such a product). Skipped, with the reason in the test names, where oneDNN is not
 * installed.
 *
 * @module
 */
import { BatchMatMul, UnsortedSegmentSum } from "@tensorflow/tfjs-core";
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { onednnKernels } from "../../../../lib/executors/onednn/register_all_kernels.ts";
import { BATCH_NORM_TRAINING } from "../../../../lib/executors/onednn/kernels/batch_norm_training.ts";
import { SMALL } from "../../../../lib/executors/onednn/kernel_util.ts";
import { matmulProblem, matmulWork } from "../../../../lib/executors/onednn/primitives/matmul.ts";
import { executorConformance } from "../conformance.ts";
import { dnnlRuns, executor, skipReason } from "./harness.ts";

/** Whether the onednn BatchMatMul kernel hands this product to the cpu kernel. */
function smallMatmul(inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) {
  const p = matmulProblem(inputs.a, inputs.b, !!attrs.transposeA, !!attrs.transposeB);
  return p !== undefined && matmulWork(p) < SMALL * 8;
}

executorConformance("onednn", () => Promise.resolve(executor!), {
  ignore: !executor,
  label: skipReason || undefined,
  kernels: onednnKernels().map((k) => k.kernelName),
  batchNormKernel: BATCH_NORM_TRAINING,
  nativeCalls: dnnlRuns,
  nativeExempt: (kernel, inputs, attrs) =>
    kernel === UnsortedSegmentSum || (kernel === BatchMatMul && smallMatmul(inputs, attrs)),
});
