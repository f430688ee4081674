import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { l2Activation } from "../../../plugins/losses/l2_activation.ts";
import { assertAllClose, cpuContext, inputsOf } from "./helpers.ts";

const A = [[1, 2, 3], [4, 5, 6]];
const B = [[1.5, 2, 2], [4, 7, 6]];
const C = [[[0.5, -1]], [[2, 0]]];
const D = [[[0.5, 1]], [[1, 0]]];

Deno.test("l2Activation() needs a teacher and activations and takes names as a list or string", () => {
  const d = l2Activation({ layers: "block1, block2", weight: 0.5 });
  assert.deepEqual(d.params, { layers: ["block1", "block2"], weight: 0.5 });
  assert.equal(d.needsTeacher, true);
  assert.equal(d.needsActivations, true);
  assert.deepEqual(l2Activation({ layers: ["x"] }).params, { layers: ["x"], weight: 1 });
  assert.throws(() => l2Activation({ layers: [] }), /layers must name at least one activation/);
  assert.throws(() => l2Activation({ layers: "a,a" }), /layers names "a" twice/);
  assert.throws(() => l2Activation({ layers: "a," }), /layers must be non-empty strings: got ""/);
  assert.throws(() => l2Activation({ layers: ["a"], weight: -1 }), /weight .* got -1/);
});

Deno.test("l2Activation is zero for identical activations", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const inputs = inputsOf(ctx, {
    activations: { a: tf.tensor2d(A), c: tf.tensor3d(C) },
    teacherActivations: { a: tf.tensor2d(A), c: tf.tensor3d(C) },
  });
  const value = l2Activation.plugin.compute(inputs, { layers: ["a", "c"], weight: 3 });
  assert.equal(value.rank, 0);
  assert.equal(value.dataSync()[0], 0);
});

Deno.test("l2Activation is weight * sum over layers of the mean squared difference", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const student = { a: tf.tensor2d(A), c: tf.tensor3d(C) };
  const inputs = inputsOf(ctx, {
    activations: student,
    teacherActivations: { a: tf.tensor2d(B), c: tf.tensor3d(D) },
  });
  // a: (0.25 + 0 + 1 + 0 + 4 + 0) / 6; c: (0 + 4 + 1 + 0) / 4.
  const meanA = 5.25 / 6, meanC = 5 / 4;
  const value = l2Activation.plugin.compute(inputs, { layers: ["a", "c"], weight: 0.5 });
  assertAllClose(value.dataSync()[0], 0.5 * (meanA + meanC));
  const onlyA = l2Activation.plugin.compute(inputs, { layers: ["a"], weight: 1 });
  assertAllClose(onlyA.dataSync()[0], meanA);

  // Gradient wrt the student's activation: weight * 2 (a - t) / size.
  const g = tf.grad((x: tfc.Tensor) =>
    l2Activation.plugin.compute(
      { ...inputs, activations: { ...student, a: x } },
      { layers: ["a", "c"], weight: 0.5 },
    )
  )(student.a);
  assertAllClose(
    g.arraySync() as number[][],
    A.map((row, i) => row.map((v, j) => (0.5 * 2 * (v - B[i][j])) / 6)),
  );
});

Deno.test("l2Activation names a missing layer and a shape mismatch", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const inputs = inputsOf(ctx, {
    activations: { a: tf.tensor2d(A), c: tf.tensor3d(C) },
    teacherActivations: { a: tf.tensor2d([[1, 2], [3, 4]]) },
  });
  assert.throws(
    () => l2Activation.plugin.compute(inputs, { layers: ["z"], weight: 1 }),
    /the student has no activation "z": available are a, c/,
  );
  assert.throws(
    () => l2Activation.plugin.compute(inputs, { layers: ["c"], weight: 1 }),
    /the teacher has no activation "c": available are a/,
  );
  assert.throws(
    () => l2Activation.plugin.compute(inputs, { layers: ["a"], weight: 1 }),
    /activation "a" has shape \[2,3\] in the student but \[2,2\] in the teacher/,
  );
});
