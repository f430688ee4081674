/**
 * Identity in the forward pass, zero gradient in the backward pass. TensorFlow.js has no
 * `stopGradient`; losses whose formula says "no gradient through" a term (CWTM's weights) use
 * this so the rule holds even if the term's inputs are ever differentiated.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { TfContext } from "../../lib/plugin/runtime.ts";

/** `x` itself, with every gradient through it cut to zero. */
export function stopGradient<T extends tfc.Tensor>(tf: TfContext["tf"], x: T): T {
  const op = tf.customGrad((input) => {
    const t = input as T;
    return { value: t.clone(), gradFunc: (dy: T) => tf.zerosLike(dy) };
  });
  return op(x) as T;
}
