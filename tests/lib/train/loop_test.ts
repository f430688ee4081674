import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { syntheticImages } from "../../../datasets/synthetic_images.ts";
import { mlp } from "../../../plugins/models/mlp.ts";
import { crossEntropy, kd } from "../../../plugins/losses/mod.ts";
import { trainLoop } from "../../../lib/train/loop.ts";
import { evaluate } from "../../../lib/train/evaluate.ts";
import { CIFAR_RECIPE } from "../../../lib/train/recipe.ts";
import { PipelineError } from "../../../lib/errors.ts";
import type { ImageDataset } from "../../../lib/plugin/runtime.ts";
import { dataShape } from "../../../lib/worker/context.ts";

const { ctx } = await (await import("../../../lib/executors/cpu/mod.ts")).load();
const tf = ctx.tf;
const data = await syntheticImages.plugin.load(
  { ...syntheticImages.defaults, classes: 3, train: 96, test: 48, size: 4 },
  { dataDir: "", verify: false },
) as ImageDataset;
const recipe = { ...CIFAR_RECIPE, epochs: 3, batchSize: 16, lr: 0.05 };
const build = (seed: number) =>
  mlp.plugin.build(ctx, { hidden: 8, layers: 1 }, dataShape(data), seed);
const ce = { plugin: crossEntropy.plugin, params: {}, needsActivations: false };

/** Train `student` with cross-entropy and the test recipe; `over` replaces any option. */
async function train(
  student: ReturnType<typeof build>,
  over: Partial<Parameters<typeof trainLoop>[0]> = {},
) {
  return await trainLoop({
    ctx,
    student,
    teachers: [],
    loss: ce,
    data,
    recipe,
    seed: 1,
    workDir: await Deno.makeTempDir(),
    step: "s",
    ...over,
  });
}

async function weights(m: ReturnType<typeof build>) {
  return await Promise.all(m.net.getWeights().map(async (w) => Array.from(await w.data())));
}

Deno.test("a run interrupted mid-epoch and resumed ends with exactly the weights of an uninterrupted run", async () => {
  const straightDir = await Deno.makeTempDir(), resumedDir = await Deno.makeTempDir();
  const straight = build(7);
  const full = await train(straight, { seed: 3, workDir: straightDir });
  const resumed = build(7);
  let batches = 0;
  await rejects(
    train(resumed, {
      seed: 3,
      workDir: resumedDir,
      onProgress: (p) => p.phase === "train" && batches++,
      shouldStop: () => batches === 10,
    }),
    (e: unknown) => e instanceof PipelineError && e.reason === "interrupted",
  );
  // A fresh model (as a new process would build) picks up the checkpoint.
  const again = build(7);
  let resumedAt;
  const rest = await train(again, {
    seed: 3,
    workDir: resumedDir,
    onResume: (s) => (resumedAt = [s.epoch, s.batch]),
  });
  deepEqual(resumedAt, [1, 4]); // 6 batches an epoch: stopped after batch 10 = epoch 2, batch 4
  deepEqual(await weights(again), await weights(straight));
  deepEqual(rest.history.map((h) => h.testError), full.history.map((h) => h.testError));
  equal(rest.history.length, 3);
});

Deno.test("a stop during an epoch's evaluation stops at that epoch's checkpoint", async () => {
  const workDir = await Deno.makeTempDir();
  let evaluating = false;
  await rejects(
    train(build(7), {
      workDir,
      onProgress: (p) => evaluating ||= p.phase === "eval",
      shouldStop: () => evaluating,
    }),
    (e: unknown) =>
      e instanceof PipelineError && e.reason === "interrupted" &&
      e.message === "Stopped at epoch 2, batch 0; checkpoint saved",
  );
  let resumedAt;
  await train(build(7), { workDir, onResume: (s) => (resumedAt = [s.epoch, s.batch]) });
  deepEqual(resumedAt, [1, 0]);
});

Deno.test("a student trained with KD gets the teacher's probabilities on the same batch", async () => {
  const teacher = build(1);
  await train(teacher, { recipe: { ...recipe, epochs: 1 }, step: "t" });
  const student = build(2);
  const seen: number[] = [];
  const spyKd = {
    plugin: {
      compute(
        inputs: Parameters<typeof kd.plugin.compute>[0],
        params: Parameters<typeof kd.plugin.compute>[1],
      ) {
        // The teacher's probabilities must be a distribution over the same rows as the logits.
        const p = inputs.teacherProbs!;
        deepEqual(p.shape, inputs.logits.shape);
        seen.push(...tf.tidy(() => Array.from(tf.sum(p, 1).dataSync())));
        return kd.plugin.compute(inputs, params);
      },
    },
    params: { temperature: 1, scale: "t2" },
    needsActivations: false,
  };
  await train(student, {
    teachers: [teacher],
    loss: spyKd,
    recipe: { ...recipe, epochs: 1 },
    seed: 2,
    step: "g",
  });
  ok(seen.length === 96 && seen.every((s) => Math.abs(s - 1) < 1e-5));
});

Deno.test("the ensemble of identical members equals the member; averaging differs from either member", async () => {
  const a = build(11), b = build(12);
  const opts = { batchSize: 16, steps: 1 };
  const one = await evaluate(ctx, [a], data, "test", opts);
  const three = await evaluate(ctx, [a, a, a], data, "test", opts);
  ok(Math.abs(one.loss - three.loss) < 1e-5);
  equal(one.error, three.error);
  const mixed = await evaluate(ctx, [a, b], data, "test", opts);
  const onlyB = await evaluate(ctx, [b], data, "test", opts);
  ok(mixed.loss !== one.loss && mixed.loss !== onlyB.loss);
});

Deno.test("the loop does not leak tensors across epochs", async () => {
  const m = build(5);
  await train(m, { recipe: { ...recipe, epochs: 1 }, step: "a" });
  const before = tf.memory().numTensors;
  await train(m, { recipe: { ...recipe, epochs: 2 }, step: "b" });
  equal(tf.memory().numTensors, before);
});
