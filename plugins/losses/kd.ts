/**
 * Knowledge distillation as Born-Again Networks use it (Furlanello et al. 2018, Eq. 2):
 * L = CE(p, q) = -(1/N) sum_s sum_i p_{i,s} log q_{i,s}, the teacher's probabilities p as the
 * target, temperature 1 and no label term by default. Gradient wrt the logits: (q - p) / N.
 *
 * With temperature T != 1 both distributions are softened (p_T = softmax(log p / T),
 * q_T = softmax(z / T)). `scale: "t2"` (the default) multiplies the loss by T^2 as Hinton et al.
 * (2015, §2) do, so the gradient, T (q_T - p_T) / N, keeps its magnitude as T changes;
 * `scale: "none"` leaves CE(p_T, q_T) unscaled, with gradient (q_T - p_T) / (T N). At the paper's
 * T = 1 the two are the same loss.
 *
 * @module
 */
import { defineLoss } from "../../lib/plugin/define.ts";
import { teacherProbs } from "./_teacher_probs.ts";

/** How the tempered loss is scaled. */
export const KD_SCALES = ["t2", "none"] as const;

/** KD options. */
export interface KdOptions {
  [key: string]: number | string;
  /** Softmax temperature of student and teacher; the paper's BANs use 1. */
  temperature: number;
  /** `"t2"`: multiply by T^2 (Hinton et al.); `"none"`: the plain tempered cross-entropy. */
  scale: string;
}

function validate(p: KdOptions): string[] {
  const out: string[] = [];
  if (!(typeof p.temperature === "number" && p.temperature > 0)) {
    out.push(`temperature must be > 0: got ${p.temperature}`);
  }
  if (!(KD_SCALES as readonly string[]).includes(p.scale)) {
    out.push(`scale must be one of "t2", "none": got ${JSON.stringify(p.scale)}`);
  }
  return out;
}

/** BAN's distillation loss: cross-entropy against the teacher's probabilities. */
export const kd = defineLoss(import.meta.url, "kd", {
  needsTeacher: true,
  defaults: { temperature: 1, scale: "t2" } as KdOptions,
  validate,
  compute(inputs, { temperature, scale }) {
    const t = temperature as number;
    const { ctx: { tf }, logits } = inputs;
    const teacher = teacherProbs("kd", inputs);
    return tf.tidy(() => {
      let p = teacher;
      if (t !== 1) p = tf.softmax(tf.div(tf.log(tf.add(p, 1e-12)), t));
      const logq = tf.logSoftmax(t === 1 ? logits : tf.div(logits, t));
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(p, logq), 1)));
      return t === 1 || scale === "none" ? ce : tf.mul(ce, t * t);
    });
  },
});
