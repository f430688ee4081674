import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import type { DataHandle, Trained, TrainOptions } from "../../../lib/dsl/pipeline.ts";
import type {
  JsonObject,
  LossDescriptor,
  ModelDescriptor,
} from "../../../lib/plugin/descriptor.ts";
import type { LossInputs } from "../../../lib/plugin/runtime.ts";
import { crossEntropy } from "../../../plugins/losses/cross_entropy.ts";
import { dkpp } from "../../../plugins/losses/dkpp.ts";
import { kd } from "../../../plugins/losses/kd.ts";
import { l2Activation } from "../../../plugins/losses/l2_activation.ts";
import { weightedSum } from "../../../plugins/losses/weighted_sum.ts";
import { assertAllClose, cpuContext, inputsOf, valueAndGrad } from "./helpers.ts";

async function withActivations(): Promise<LossInputs> {
  const ctx = await cpuContext();
  const { tf } = ctx;
  return inputsOf(ctx, {
    activations: { h: tf.tensor2d([[1, 2], [3, 4], [5, 6]]) },
    teacherActivations: { h: tf.tensor2d([[1, 1], [2, 4], [5, 8]]) },
  });
}

/** Value and logits-gradient of a descriptor, through its plugin (prepared first). */
async function evaluate(d: LossDescriptor, inputs: LossInputs) {
  const plugin = d.name === "weightedSum"
    ? weightedSum.plugin
    : { kd, crossEntropy, l2Activation, dkpp }[d.name]!.plugin;
  await plugin.prepare?.(d.params as never);
  if (d.name === "l2Activation") {
    // Independent of the logits: its gradient there is zero (tf.grad refuses to say so).
    const value = plugin.compute(inputs, d.params as never).dataSync()[0];
    return { value, grad: inputs.logits.arraySync().map((row) => row.map(() => 0)) };
  }
  return valueAndGrad(plugin as never, d.params as JsonObject, inputs);
}

Deno.test("weightedSum keeps its members as plain data and ORs their needs", () => {
  const d = weightedSum([[1, kd()], [0.5, l2Activation({ layers: ["h"] })]]);
  assert.equal(d.kind, "loss");
  assert.equal(d.module, "plugins/losses/weighted_sum.ts");
  assert.equal(d.export, "weightedSum");
  assert.equal(d.needsTeacher, true);
  assert.equal(d.needsActivations, true);
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  assert.deepEqual(d.params, {
    members: [
      { weight: 1, loss: kd() },
      { weight: 0.5, loss: l2Activation({ layers: ["h"] }) },
    ],
  });
  const labelsOnly = weightedSum([[2, crossEntropy()]]);
  assert.equal(labelsOnly.needsTeacher, false);
  assert.equal(labelsOnly.needsActivations, false);
  assert.throws(() => weightedSum([]), /members must list at least one/);
  assert.throws(() => weightedSum([[Infinity, kd()]]), /members\[0\] weight must be a finite/);
  assert.throws(
    () => weightedSum([[1, { name: "kd" }]] as never),
    /members\[0\] must be a \[weight, loss descriptor\] pair/,
  );
});

Deno.test("weightedSum's teacher need is a literal type when the members' are", () => {
  const withTeacher: LossDescriptor<true> = weightedSum([[1, crossEntropy()], [1, kd()]]);
  const without: LossDescriptor<false> = weightedSum([[1, crossEntropy()]]);
  const nested: LossDescriptor<true> = weightedSum([[1, weightedSum([[1, kd()]])]]);
  // @ts-expect-error a sum with a teacher term is not a teacher-free loss
  const wrong: LossDescriptor<false> = weightedSum([[1, crossEntropy()], [1, kd()]]);
  assert.deepEqual([withTeacher.needsTeacher, without.needsTeacher, nested.needsTeacher], [
    true,
    false,
    true,
  ]);
  assert.equal(wrong.needsTeacher, true);
});

Deno.test("a train step with a weightedSum that distils must name a teacher", () => {
  type Step<L> = L extends LossDescriptor<infer T> ? TrainOptions<"image", T> : never;
  const data = {} as DataHandle<"image">;
  const model = {} as ModelDescriptor<"image">;
  const loss = weightedSum([[1, kd()], [0.1, crossEntropy()]]);
  // @ts-expect-error the teacher is missing
  const missing: Step<typeof loss> = { data, model, loss };
  const teacher = { step: "t", domain: "image", kind: "train" } as Trained<"image">;
  const given: Step<typeof loss> = { data, model, loss, teacher };
  assert.equal(missing.teacher, undefined);
  assert.equal(given.teacher, teacher);
});

Deno.test("weightedSum equals the weighted sum of its members, value and gradient", async () => {
  const inputs = await withActivations();
  const members = [
    [1, kd()],
    [0.25, crossEntropy()],
    [0.5, l2Activation({ layers: ["h"] })],
  ] as const;
  const sum = await evaluate(weightedSum(members), inputs);
  const parts = await Promise.all(members.map(([, d]) => evaluate(d, inputs)));
  const want = members.reduce((acc, [w], k) => acc + w * parts[k].value, 0);
  assertAllClose(sum.value, want);
  assert.ok(parts[2].value > 0);
  const grad = parts[0].grad.map((row, s) =>
    row.map((_, i) => members.reduce((acc, [w], k) => acc + w * parts[k].grad[s][i], 0))
  );
  assertAllClose(sum.grad, grad);
});

Deno.test("weightedSum nests and hands every member the same seed", async () => {
  const inputs = await withActivations();
  const single = await evaluate(dkpp({ permute: "sample" }), inputs);
  const wrapped = await evaluate(weightedSum([[1, weightedSum([[2, dkpp()]])]]), inputs);
  assertAllClose(wrapped.value, 2 * single.value);
  assertAllClose(wrapped.grad, single.grad.map((row) => row.map((v) => 2 * v)));
});

Deno.test("weightedSum says when a member was not prepared or is not a loss plugin", async () => {
  const inputs = await withActivations();
  const unloaded = weightedSum([[1, { ...kd(), module: "plugins/losses/never_loaded.ts" }]]);
  assert.throws(
    () => weightedSum.plugin.compute(inputs, unloaded.params as never),
    /member "kd" \(plugins\/losses\/never_loaded.ts#kd\) is not loaded: await the plugin's prepare/,
  );
  const notALoss = weightedSum([[1, {
    ...kd(),
    module: "plugins/losses/_soft_cross_entropy.ts",
    export: "softCrossEntropy",
  }]]);
  await assert.rejects(
    () => weightedSum.plugin.prepare!(notALoss.params as never),
    /module plugins\/losses\/_soft_cross_entropy.ts export "softCrossEntropy", which is not a loss/,
  );
});

Deno.test("weightedSum disposes its intermediates", async () => {
  const inputs = await withActivations();
  const { tf } = inputs.ctx;
  const d = weightedSum([[1, kd()], [1, l2Activation({ layers: ["h"] })]]);
  await weightedSum.plugin.prepare!(d.params as never);
  const before = tf.memory().numTensors;
  const value: tfc.Tensor = weightedSum.plugin.compute(inputs, d.params as never);
  assert.equal(tf.memory().numTensors, before + 1);
  value.dispose();
});
