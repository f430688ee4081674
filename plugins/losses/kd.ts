/**
 * Knowledge distillation as Born-Again Networks use it (Furlanello et al. 2018, Eq. 2):
 * L = CE(p, q) = -(1/N) sum_s sum_i p_{i,s} log q_{i,s}, the teacher's probabilities p as the
 * target, temperature 1 and no label term by default. Gradient wrt the logits: (q - p) / N.
 * With temperature T != 1 both distributions are softened and the loss is scaled by T^2
 * (Hinton et al.), so gradients keep their magnitude.
 *
 * @module
 */
import { defineLoss } from "../../lib/plugin/define.ts";
import { teacherProbs } from "./teacher_probs.ts";

/** KD options. */
export interface KdOptions {
  [key: string]: number;
  /** Softmax temperature of student and teacher; the paper's BANs use 1. */
  temperature: number;
}

/** BAN's distillation loss: cross-entropy against the teacher's probabilities. */
export const kd = defineLoss(import.meta.url, "kd", {
  needsTeacher: true,
  defaults: { temperature: 1 } as KdOptions,
  validate: (p) => (p.temperature > 0 ? [] : [`temperature must be > 0: got ${p.temperature}`]),
  compute(inputs, { temperature: t }) {
    const { ctx: { tf }, logits } = inputs;
    const teacher = teacherProbs("kd", inputs);
    return tf.tidy(() => {
      let p = teacher;
      if (t !== 1) p = tf.softmax(tf.div(tf.log(tf.add(p, 1e-12)), t));
      const logq = tf.logSoftmax(t === 1 ? logits : tf.div(logits, t));
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(p, logq), 1)));
      return t === 1 ? ce : tf.mul(ce, t * t);
    });
  },
});
