import assert from "node:assert/strict";
import { banL } from "../../../plugins/losses/ban_l.ts";
import { crossEntropy } from "../../../plugins/losses/cross_entropy.ts";
import { kd } from "../../../plugins/losses/kd.ts";
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

Deno.test("banL() weighs label and teacher terms equally and needs a teacher", () => {
  const d = banL();
  assert.deepEqual(d.params, { labelWeight: 1, teacherWeight: 1 });
  assert.equal(d.needsTeacher, true);
  assert.throws(() => banL({ labelWeight: -1 }), /labelWeight must be finite and >= 0: got -1/);
  assert.throws(() => banL({ labelWeight: 0, teacherWeight: 0 }), /cannot both be 0/);
});

Deno.test("banL is a CE(y, q) + b CE(p, q) with gradient (a (q - y) + b (q - p)) / N", async () => {
  const ctx = await cpuContext();
  const a = 0.5, b = 2;
  const { value, grad } = valueAndGrad(
    banL.plugin,
    { labelWeight: a, teacherWeight: b },
    inputsOf(ctx),
  );
  const n = LOGITS.length;
  const want = LOGITS.reduce(
    (acc, z, s) =>
      acc + a * rowCrossEntropy(oneHot(LABELS[s], 4), z) + b * rowCrossEntropy(TEACHER[s], z),
    0,
  ) / n;
  assertAllClose(value, want);
  assertAllClose(
    grad,
    LOGITS.map((z, s) =>
      softmax(z).map((q, i) => (a * (q - oneHot(LABELS[s], 4)[i]) + b * (q - TEACHER[s][i])) / n)
    ),
  );
});

Deno.test("banL with default weights equals crossEntropy plus kd", async () => {
  const ctx = await cpuContext();
  const inputs = inputsOf(ctx);
  const sum = valueAndGrad(banL.plugin, { labelWeight: 1, teacherWeight: 1 }, inputs).value;
  const ce = valueAndGrad(crossEntropy.plugin, {}, inputs).value;
  const distil = valueAndGrad(kd.plugin, { temperature: 1, scale: "t2" }, inputs).value;
  assertAllClose(sum, ce + distil);
});
