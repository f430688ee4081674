import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { crossEntropy } from "../../../plugins/losses/cross_entropy.ts";
import { cwtm, cwtmWeights } from "../../../plugins/losses/cwtm.ts";
import {
  assertAllClose,
  cpuContext,
  inputsOf,
  LABELS,
  LOGITS,
  oneHot,
  rowCrossEntropy,
  softmax,
  TEACHER,
  valueAndGrad,
} from "./helpers.ts";

// Teacher maxima 0.7, 0.4, 0.6: the weights of Eq. 10 are these over their sum 1.7.
const WEIGHTS = [0.7 / 1.7, 0.4 / 1.7, 0.6 / 1.7];

Deno.test("cwtm() needs a teacher and takes no params", () => {
  const d = cwtm();
  assert.equal(d.needsTeacher, true);
  assert.deepEqual(d.params, {});
});

Deno.test("cwtm weights equal the teacher maxima normalised over the batch and sum to 1", async () => {
  const { tf } = await cpuContext();
  const w = cwtmWeights(tf, tf.tensor2d(TEACHER)).arraySync();
  assertAllClose(w, WEIGHTS);
  assertAllClose(w.reduce((a, b) => a + b, 0), 1);
});

Deno.test("cwtm weighs the teacher's max even where the teacher is wrong", async () => {
  // Row 1's teacher argmax is class 2 but its label is 0: its weight is still max p = 0.4.
  assert.notEqual(TEACHER[1].indexOf(Math.max(...TEACHER[1])), LABELS[1]);
  const { tf } = await cpuContext();
  assertAllClose(cwtmWeights(tf, tf.tensor2d(TEACHER)).arraySync()[1], WEIGHTS[1]);
});

Deno.test("cwtm is sum_s w_s CE(y_s, q_s) with gradient w_s (q_s - y_s)", async () => {
  const ctx = await cpuContext();
  const { value, grad } = valueAndGrad(cwtm.plugin, {}, inputsOf(ctx));
  const want = LOGITS.reduce(
    (acc, z, s) => acc + WEIGHTS[s] * rowCrossEntropy(oneHot(LABELS[s], 4), z),
    0,
  );
  assertAllClose(value, want);
  assertAllClose(
    grad,
    LOGITS.map((z, s) => softmax(z).map((q, i) => WEIGHTS[s] * (q - oneHot(LABELS[s], 4)[i]))),
  );
});

Deno.test("cwtm passes no gradient through its weights to the teacher probabilities", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const inputs = inputsOf(ctx);
  const g = tf.grad((p: tfc.Tensor) =>
    cwtm.plugin.compute({ ...inputs, teacherProbs: p as tfc.Tensor2D }, {})
  )(inputs.teacherProbs!);
  assertAllClose(g.arraySync() as number[][], TEACHER.map((r) => r.map(() => 0)));
});

Deno.test("cwtm with equal teacher maxima is the plain mean cross-entropy", async () => {
  const ctx = await cpuContext();
  const teacher = [[0.5, 0.2, 0.2, 0.1], [0.1, 0.5, 0.2, 0.2], [0.2, 0.1, 0.2, 0.5]];
  const inputs = inputsOf(ctx, { teacher });
  const weighted = valueAndGrad(cwtm.plugin, {}, inputs);
  const plain = valueAndGrad(crossEntropy.plugin, {}, inputs);
  assertAllClose(weighted.value, plain.value);
  assertAllClose(weighted.grad, plain.grad);
});
