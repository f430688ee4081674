/**
 * Confidence-Weighted by Teacher Max (Furlanello et al. 2018, Eq. 10):
 *   L = sum_s w_s CE(y_s, q_s),   w_s = max_j p_{j,s} / sum_u max_j p_{j,u},
 * the label cross-entropy of each example weighted by the teacher's largest probability (whether
 * or not the teacher is right), the weights normalised over the mini-batch so they sum to 1. No
 * dark-knowledge term. The weights carry no gradient: the teacher's probabilities are constants
 * of the step, and the weights pass through a stop-gradient as well so the rule holds on its own.
 * With weights summing to 1 the loss has the scale of a batch mean; with equal teacher maxima it
 * is the ordinary mean cross-entropy. Gradient wrt the logits of example s: w_s (q_s - y_s).
 * Text models' rows are [batch * steps], so there the weights normalise over every position.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { defineLoss } from "../../lib/plugin/define.ts";
import type { TfContext } from "../../lib/plugin/runtime.ts";
import { stopGradient } from "./_stop_gradient.ts";
import { teacherProbs } from "./_teacher_probs.ts";

/** CWTM options (none). */
export type CwtmOptions = Record<string, never>;

/** The weights w_s of Eq. 10 for teacher probabilities `p` [N, classes]: shape [N], sum 1. */
export function cwtmWeights(tf: TfContext["tf"], p: tfc.Tensor2D): tfc.Tensor1D {
  return tf.tidy(() => {
    const maxima = stopGradient(tf, tf.max(p, 1));
    return tf.div(maxima, tf.sum(maxima));
  });
}

/**
 * Label cross-entropy weighted by the teacher's confidence.
 *
 * @example
 * ```ts
 * import { cwtm } from "./cwtm.ts";
 * const loss = cwtm();
 * ```
 */
export const cwtm = defineLoss(import.meta.url, "cwtm", {
  needsTeacher: true,
  defaults: {} as CwtmOptions,
  compute(inputs) {
    const { ctx: { tf }, logits, labels } = inputs;
    const p = teacherProbs("cwtm", inputs);
    return tf.tidy(() => {
      const w = cwtmWeights(tf, p);
      const onehot = tf.oneHot(tf.cast(labels, "int32"), logits.shape[1]);
      const ce = tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1));
      return tf.sum(tf.mul(w, ce));
    });
  },
});
