/**
 * Cross-entropy with the labels (ERM): how a teacher, generation 0, is trained.
 * L = -(1/N) sum_s log q_{y_s, s}, with q = softmax(z).
 *
 * @module
 */
import { defineLoss } from "../../lib/plugin/define.ts";

/** Cross-entropy options (none). */
export type CrossEntropyOptions = Record<string, never>;

/** Label cross-entropy. */
export const crossEntropy = defineLoss(import.meta.url, "crossEntropy", {
  needsTeacher: false,
  defaults: {} as CrossEntropyOptions,
  compute({ ctx: { tf }, logits, labels }) {
    return tf.tidy(() => {
      const logq = tf.logSoftmax(logits);
      const onehot = tf.oneHot(tf.cast(labels, "int32"), logits.shape[1]);
      return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logq), 1)));
    });
  },
});
