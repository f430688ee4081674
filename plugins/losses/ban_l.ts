/**
 * BAN+L (Furlanello et al. 2018, Sec. 3.2 and Table 6): the label cross-entropy plus the
 * distillation term of Eq. 2,
 *   L = a * CE(y, q) + b * CE(p, q) = -(1/N) sum_s [a log q_{y_s,s} + b sum_i p_{i,s} log q_{i,s}],
 * q the student's softmax, p the teacher's, temperature 1. Worse than plain BAN on CIFAR but what
 * the paper's PTB language models need. The paper gives no weighting between the terms, so both
 * weights are params with the equal default a = b = 1. Gradient wrt the logits:
 * (a (q - y) + b (q - p)) / N.
 *
 * @module
 */
import { defineLoss } from "../../lib/plugin/define.ts";
import { crossEntropy } from "./cross_entropy.ts";
import { kd } from "./kd.ts";
import { teacherProbs } from "./_teacher_probs.ts";

/** BAN+L options. */
export type BanLOptions = {
  /** Weight `a` of the label cross-entropy CE(y, q). */
  labelWeight: number;
  /** Weight `b` of the teacher cross-entropy CE(p, q). */
  teacherWeight: number;
};

function validate(p: BanLOptions): string[] {
  const problems: string[] = [];
  for (const key of ["labelWeight", "teacherWeight"] as const) {
    const v = p[key];
    if (!Number.isFinite(v) || v < 0) problems.push(`${key} must be finite and >= 0: got ${v}`);
  }
  if (p.labelWeight === 0 && p.teacherWeight === 0) {
    problems.push("labelWeight and teacherWeight cannot both be 0");
  }
  return problems;
}

/**
 * Label plus teacher cross-entropy, the PTB default.
 *
 * @example
 * ```ts
 * import { banL } from "./ban_l.ts";
 * const loss = banL(); // CE(y, q) + CE(p, q)
 * const heavier = banL({ teacherWeight: 2 });
 * ```
 */
export const banL = defineLoss(import.meta.url, "banL", {
  needsTeacher: true,
  defaults: { labelWeight: 1, teacherWeight: 1 } as BanLOptions,
  validate,
  compute(inputs, { labelWeight, teacherWeight }) {
    const { tf } = inputs.ctx;
    teacherProbs("banL", inputs);
    return tf.tidy(() =>
      tf.add(
        tf.mul(crossEntropy.plugin.compute(inputs, {}), labelWeight),
        tf.mul(kd.plugin.compute(inputs, { temperature: 1, scale: "t2" }), teacherWeight),
      )
    );
  },
});
