/**
 * Elementwise activations' gradients as one oneDNN eltwise-backward call, instead of tfjs's
 * chains of full-size elementwise ops (ReLU: step, cast, multiply; sigmoid: subtract, two
 * multiplies). Each gradient kernel takes `dy` and the activation's output `y`: for ReLU, sigmoid
 * and tanh the output determines the derivative.
 *
 * ReLU on the output of a batch norm with a fused ReLU is the identity; so is its gradient, since
 * that batch norm's backward applies the ReLU mask itself.
 *
 * tfjs gradients are registered per kernel name for every backend, so the registered gradient
 * saves both the input and the output and hands other backends tfjs's own gradient unchanged.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { GradConfig, KernelConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs-core";
import { ALG } from "../constants.ts";
import { type Eltwise, runEltwiseGrad } from "../primitives/eltwise.ts";
import { inputsOf, onednn, sizeOf } from "../kernel_util.ts";

/** Activations whose gradient runs on oneDNN: kernel, its gradient kernel, algorithm. */
export const ELTWISE_GRADS: Array<{ kernel: string; grad: string; e: Eltwise }> = [
  { kernel: tf.Relu, grad: "OnednnReluGrad", e: { alg: ALG.eltwiseReluUseDst } },
  { kernel: tf.Sigmoid, grad: "OnednnSigmoidGrad", e: { alg: ALG.eltwiseLogisticUseDst } },
  { kernel: tf.Tanh, grad: "OnednnTanhGrad", e: { alg: ALG.eltwiseTanhUseDst } },
];

/** The gradient kernels (inputs `dy`, `y`), registered for the onednn backend only. */
export function eltwiseGradKernels(): KernelConfig[] {
  return ELTWISE_GRADS.map(({ grad, e }) => ({
    kernelName: grad,
    backendName: "onednn",
    kernelFunc(args) {
      const { dy, y } = inputsOf(args);
      return runEltwiseGrad(onednn(args), e, dy, y);
    },
  }));
}

function minElementwise(): number {
  const backend = tf.engine().backend as unknown as { minElementwise?: number };
  return backend.minElementwise ?? 0;
}

function isFusedRelu(x: Tensor): boolean {
  const backend = tf.engine().backend as unknown as { isNonNegative?: (t: Tensor) => boolean };
  return backend.isNonNegative?.(x) === true;
}

/**
 * Gradient configs for the activations: on onednn with float32 data of useful size, the gradient
 * kernel; elsewhere tfjs's own gradient with what it saved.
 */
export function eltwiseGradConfigs(backendName: string): GradConfig[] {
  return ELTWISE_GRADS.map(({ kernel, grad }) => {
    const original = tf.getGradient(kernel);
    if (!original) throw new Error(`onednn: tfjs has no gradient for ${kernel} to wrap`);
    const savesInput = (original.inputsToSave ?? []).includes("x");
    const savesOutput = (original.outputsToSave ?? [])[0] === true;
    return {
      kernelName: kernel,
      inputsToSave: ["x"],
      outputsToSave: [true],
      gradFunc(dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) {
        const [x, y] = saved;
        const d = dy as Tensor;
        if (kernel === tf.Relu && tf.getBackend() === backendName && isFusedRelu(x)) {
          // The batch norm that produced x fused this ReLU and masks dy in its own backward.
          return { x: () => tf.clone(d) };
        }
        if (
          tf.getBackend() === backendName && d.dtype === "float32" && y.dtype === "float32" &&
          sizeOf(d.shape) >= minElementwise()
        ) {
          return { x: () => tf.engine().runKernel(grad, { dy: d, y }) as Tensor };
        }
        const theirs = [...(savesInput ? [x] : []), ...(savesOutput ? [y] : [])];
        return original.gradFunc(dy, theirs, attrs);
      },
    };
  });
}
