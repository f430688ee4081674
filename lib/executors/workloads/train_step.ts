/**
 * One plain training step (softmax cross-entropy, gradients of every trainable weight), the
 * workload executors are checked and timed on. Returns the loss and gradients so two executors
 * can be compared; the caller disposes them.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../plugin/runtime.ts";

/** A step's loss and the gradient of each trainable weight, by weight name. */
export interface StepResult {
  loss: tfc.Scalar;
  grads: Record<string, tfc.Tensor>;
}

/**
 * Loss and gradients of `net` on (x, labels). Image models: logits [batch, classes] and labels
 * [batch]; sequence models: logits [batch, steps, vocab] and labels [batch, steps].
 */
export function lossAndGrads(
  { tf }: TfContext,
  net: tfl.LayersModel,
  x: tfc.Tensor,
  labels: tfc.Tensor,
): StepResult {
  const vars = net.trainableWeights.map((w) => (w as unknown as { val: tfc.Variable }).val);
  const { value, grads } = tf.variableGrads(() => {
    const logits = net.apply(x, { training: true }) as tfc.Tensor;
    const classes = logits.shape[logits.rank - 1];
    const flat = tf.reshape(logits, [-1, classes]);
    const onehot = tf.oneHot(tf.reshape(tf.cast(labels, "int32"), [-1]), classes);
    return tf.losses.softmaxCrossEntropy(onehot, flat) as tfc.Scalar;
  }, vars);
  return { loss: value, grads };
}
