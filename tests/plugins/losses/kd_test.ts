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

Deno.test("kd() defaults to temperature 1 and needs a teacher", () => {
  const d = kd();
  assert.equal(d.params.temperature, 1);
  assert.equal(d.needsTeacher, true);
  assert.throws(() => kd({ temperature: 0 }), /temperature must be > 0: got 0/);
});

Deno.test("kd is CE(p, q) with gradient (q - p) / N at temperature 1", async () => {
  const ctx = await cpuContext();
  const { value, grad } = valueAndGrad(kd.plugin, { temperature: 1 }, inputsOf(ctx));
  const n = LOGITS.length;
  const want = LOGITS.reduce((acc, z, s) => acc + rowCrossEntropy(TEACHER[s], z), 0) / n;
  assertAllClose(value, want);
  assertAllClose(grad, LOGITS.map((z, s) => softmax(z).map((q, i) => (q - TEACHER[s][i]) / n)));
});

Deno.test("kd at temperature T softens both sides and scales by T^2", async () => {
  const ctx = await cpuContext();
  const t = 2.5;
  const { value, grad } = valueAndGrad(kd.plugin, { temperature: t }, inputsOf(ctx));
  const n = LOGITS.length;
  const pT = TEACHER.map((p) => softmax(p.map((v) => Math.log(v) / t)));
  const zT = LOGITS.map((z) => z.map((v) => v / t));
  const want = (t * t * zT.reduce((acc, z, s) => acc + rowCrossEntropy(pT[s], z), 0)) / n;
  assertAllClose(value, want);
  // d/dz [T^2 CE(p_T, softmax(z / T))] = T (q_T - p_T).
  assertAllClose(grad, zT.map((z, s) => softmax(z).map((q, i) => (t * (q - pT[s][i])) / n)));
});

Deno.test("kd names a missing or misshapen teacher", async () => {
  const ctx = await cpuContext();
  const inputs = inputsOf(ctx);
  assert.throws(
    () => kd.plugin.compute({ ...inputs, teacherProbs: undefined }, { temperature: 1 }),
    /Loss "kd" needs teacher probabilities: none were given/,
  );
  assert.throws(
    () =>
      kd.plugin.compute(
        { ...inputs, teacherProbs: ctx.tf.tensor2d([[0.5, 0.5]]) },
        { temperature: 1 },
      ),
    /Loss "kd": teacher probabilities have shape \[1,2\] but the student's logits have shape \[3,4\]/,
  );
});
