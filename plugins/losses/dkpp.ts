/**
 * Dark Knowledge with Permuted Predictions (Furlanello et al. 2018, Eq. 11):
 *   L = CE(p~, q) = -(1/N) sum_s sum_i p~_{i,s} log q_{i,s},
 * where p~ is the teacher's distribution p with its argmax entry kept in place and the other n-1
 * probabilities shuffled among the other n-1 class positions. It keeps the teacher's confidence
 * in its top class and destroys the information in the remaining classes' arrangement. No label
 * term. Each row of p~ is a permutation of the same row of p: shuffling the rows of the batch
 * (giving an example another example's target) is a different, wrong reading.
 *
 * `permute` says how the shuffle is drawn (the paper does not say):
 * - `"sample"` (default): an independent uniform permutation for every row.
 * - `"batch"`: one uniform permutation s of {0..n-2} for the whole call, applied to every row's
 *   non-argmax positions taken in increasing class order k_0 < ... < k_{n-2}:
 *   p~_{k_r} = p_{k_s(r)}. Rows with the same argmax are therefore rearranged identically.
 *
 * The shuffle comes from `inputs.seed` alone (mulberry32), so a step and batch always see the same
 * p~ and a resumed run repeats it; only the random indices are made in JavaScript, the gather runs
 * on the executor with no read-back of the teacher's probabilities. Ties for the maximum keep the
 * first index. Gradient wrt the logits: (q - p~) / N.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { defineLoss } from "../../lib/plugin/define.ts";
import type { TfContext } from "../../lib/plugin/runtime.ts";
import { mixSeed, mulberry32 } from "../../lib/util/rng.ts";
import { softCrossEntropy } from "./_soft_cross_entropy.ts";
import { teacherProbs } from "./_teacher_probs.ts";

/** How DKPP draws its permutations: one per row, or one for the whole batch. */
export type DkppPermute = "sample" | "batch";

/** DKPP options. */
export type DkppOptions = {
  /** `"sample"` (default): a permutation per row; `"batch"`: one shared by all rows. */
  permute: DkppPermute;
};

const PERMUTE_MODES: readonly string[] = ["sample", "batch"];

/**
 * `count` uniform permutations of 0..size-1, one after another, drawn from `seed`
 * (Fisher–Yates; the same seed always gives the same permutations).
 */
export function seededPermutations(seed: number, count: number, size: number): Int32Array {
  const random = mulberry32(mixSeed(seed, 0x444b5050));
  const out = new Int32Array(count * size);
  for (let r = 0; r < count; r++) {
    const base = r * size;
    for (let i = 0; i < size; i++) out[base + i] = i;
    for (let i = size - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = out[base + i];
      out[base + i] = out[base + j];
      out[base + j] = t;
    }
  }
  return out;
}

/**
 * The permuted teacher distribution p~ of Eq. 11 for teacher probabilities `p` [N, n].
 * Exported so the permutation can be inspected on its own.
 */
export function dkppTarget(
  tf: TfContext["tf"],
  p: tfc.Tensor2D,
  seed: number,
  permute: DkppPermute,
): tfc.Tensor2D {
  const [rows, n] = p.shape;
  if (n < 2) return tf.clone(p);
  const m = n - 1;
  const perms = permute === "batch"
    ? seededPermutations(seed, 1, m)
    : seededPermutations(seed, rows, m);
  return tf.tidy(() => {
    const sigma = permute === "batch"
      ? tf.tile(tf.tensor2d(perms, [1, m], "int32"), [rows, 1])
      : tf.tensor2d(perms, [rows, m], "int32");
    const top = tf.expandDims(tf.cast(tf.argMax(p, 1), "int32"), 1); // [N, 1]
    const iota = tf.reshape(tf.range(0, n, 1, "int32"), [1, n]); // [1, n]
    // Rank of class i among the row's non-argmax classes (the argmax itself maps anywhere valid).
    const rank = tf.minimum(
      tf.sub(iota, tf.cast(tf.greater(iota, top), "int32")),
      tf.scalar(m - 1, "int32"),
    );
    // Rank of the source class, then back to its class index by skipping the argmax.
    const srcRank = tf.gather(sigma, rank, 1, 1);
    const src = tf.add(srcRank, tf.cast(tf.greaterEqual(srcRank, top), "int32"));
    const index = tf.where(tf.equal(iota, top), tf.broadcastTo(top, [rows, n]), src);
    return tf.gather(p, index, 1, 1) as tfc.Tensor2D;
  });
}

/**
 * Distillation from teacher probabilities whose non-argmax entries are shuffled.
 *
 * @example
 * ```ts
 * import { dkpp } from "./dkpp.ts";
 * const perSample = dkpp();
 * const perBatch = dkpp({ permute: "batch" });
 * ```
 */
export const dkpp = defineLoss(import.meta.url, "dkpp", {
  needsTeacher: true,
  defaults: { permute: "sample" } as DkppOptions,
  validate: (p) =>
    PERMUTE_MODES.includes(p.permute)
      ? []
      : [`permute must be "sample" or "batch": got ${JSON.stringify(p.permute)}`],
  compute(inputs, { permute }) {
    const { ctx: { tf }, logits, seed } = inputs;
    const p = teacherProbs("dkpp", inputs);
    return tf.tidy(() => softCrossEntropy(tf, dkppTarget(tf, p, seed, permute), logits));
  },
});
