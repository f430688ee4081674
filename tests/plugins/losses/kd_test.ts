import assert from "node:assert/strict";
import { kd } from "../../../plugins/losses/kd.ts";
import {
  assertAllClose,
  cpuContext,
  inputsOf,
  LOGITS,
  rowCrossEntropy,
  softmax,
  TEACHER,
  valueAndGrad,
} from "./helpers.ts";

Deno.test("kd() defaults to temperature 1 with Hinton's T^2 scaling and needs a teacher", () => {
  const d = kd();
  assert.equal(d.params.temperature, 1);
  assert.equal(d.params.scale, "t2");
  assert.equal(d.needsTeacher, true);
  assert.throws(() => kd({ temperature: 0 }), /temperature must be > 0: got 0/);
  assert.throws(() => kd({ scale: "T2" }), /scale must be one of "t2", "none": got "T2"/);
});

Deno.test("kd is CE(p, q) with gradient (q - p) / N at temperature 1", async () => {
  const ctx = await cpuContext();
  const { value, grad } = valueAndGrad(kd.plugin, { temperature: 1, scale: "t2" }, inputsOf(ctx));
  const n = LOGITS.length;
  const want = LOGITS.reduce((acc, z, s) => acc + rowCrossEntropy(TEACHER[s], z), 0) / n;
  assertAllClose(value, want);
  assertAllClose(grad, LOGITS.map((z, s) => softmax(z).map((q, i) => (q - TEACHER[s][i]) / n)));
});

Deno.test("kd at temperature T softens both sides and scales by T^2", async () => {
  const ctx = await cpuContext();
  const t = 2.5;
  const { value, grad } = valueAndGrad(kd.plugin, { temperature: t, scale: "t2" }, inputsOf(ctx));
  const n = LOGITS.length;
  const pT = TEACHER.map((p) => softmax(p.map((v) => Math.log(v) / t)));
  const zT = LOGITS.map((z) => z.map((v) => v / t));
  const want = (t * t * zT.reduce((acc, z, s) => acc + rowCrossEntropy(pT[s], z), 0)) / n;
  assertAllClose(value, want);
  // d/dz [T^2 CE(p_T, softmax(z / T))] = T (q_T - p_T).
  assertAllClose(grad, zT.map((z, s) => softmax(z).map((q, i) => (t * (q - pT[s][i])) / n)));
});

Deno.test("kd without scaling is the plain tempered CE: gradient exactly 1/T^2 of the scaled one", async () => {
  const ctx = await cpuContext();
  const t = 2;
  const scaled = valueAndGrad(kd.plugin, { temperature: t, scale: "t2" }, inputsOf(ctx));
  const plain = valueAndGrad(kd.plugin, { temperature: t, scale: "none" }, inputsOf(ctx));
  const n = LOGITS.length;
  const pT = TEACHER.map((p) => softmax(p.map((v) => Math.log(v) / t)));
  const zT = LOGITS.map((z) => z.map((v) => v / t));
  assertAllClose(plain.value, zT.reduce((acc, z, s) => acc + rowCrossEntropy(pT[s], z), 0) / n);
  // d/dz CE(p_T, softmax(z / T)) = (q_T - p_T) / T.
  assertAllClose(plain.grad, zT.map((z, s) => softmax(z).map((q, i) => (q - pT[s][i]) / (t * n))));
  // At T = 2 the ratio is exactly 4 (a power of two: float32 multiplication by 4 is exact).
  scaled.grad.forEach((row, s) => row.forEach((g, i) => assert.equal(g, 4 * plain.grad[s][i])));
  assert.equal(scaled.value, 4 * plain.value);
});

Deno.test("kd at the paper's T = 1 is the same loss with and without scaling", async () => {
  const ctx = await cpuContext();
  const scaled = valueAndGrad(kd.plugin, { temperature: 1, scale: "t2" }, inputsOf(ctx));
  const plain = valueAndGrad(kd.plugin, { temperature: 1, scale: "none" }, inputsOf(ctx));
  assert.equal(plain.value, scaled.value);
  assert.deepEqual(plain.grad, scaled.grad);
});

Deno.test("kd names a missing or misshapen teacher", async () => {
  const ctx = await cpuContext();
  const inputs = inputsOf(ctx);
  assert.throws(
    () => kd.plugin.compute({ ...inputs, teacherProbs: undefined }, kd.defaults),
    /Loss "kd" needs teacher probabilities: none were given/,
  );
  assert.throws(
    () =>
      kd.plugin.compute(
        { ...inputs, teacherProbs: ctx.tf.tensor2d([[0.5, 0.5]]) },
        kd.defaults,
      ),
    /Loss "kd": teacher probabilities have shape \[1,2\] but the student's logits have shape \[3,4\]/,
  );
});
