/**
 * One suite every model plugin runs, on tiny configurations (the cpu backend is slow for
 * convolutions): output and activation shapes, `parameterCount` equal to the built network's
 * trainable weights, seeded initialisation, and training steps that neither fail nor leak tensors.
 */
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin, TfContext } from "../../../lib/plugin/runtime.ts";
import {
  cnnLstm,
  densenet,
  densenetResnet,
  lstm,
  mlp,
  resnet,
  wrn,
} from "../../../plugins/models/mod.ts";
import { cpuContext, sameValues, snapshot, trainableCount, trainStep } from "./helpers.ts";

interface Case {
  name: string;
  plugin: ModelPlugin<JsonObject>;
  params: JsonObject;
  data: DataShape;
  /** Expected activation names and logits shape for a batch of 2 (3 steps for text). */
  activations: string[];
  logits: number[];
}

const image: DataShape = { domain: "image", numClasses: 5, imageShape: [8, 8, 3] };
const text: DataShape = { domain: "text", numClasses: 11 };
const chars: DataShape = { ...text, chars: { maxWordLength: 6, vocabSize: 9 } };
const stages = ["stage1", "stage2", "stage3", "features"];

const CASES: Case[] = [
  {
    name: "mlp",
    plugin: mlp.plugin,
    params: mlp({ hidden: 4 }).params,
    data: image,
    activations: ["hidden1"],
    logits: [2, 5],
  },
  {
    name: "resnet-8 (option A)",
    plugin: resnet.plugin,
    params: resnet({ depth: 8, channels: [4, 8, 16] }).params,
    data: image,
    activations: stages,
    logits: [2, 5],
  },
  {
    name: "preact resnet-8 (option B)",
    plugin: resnet.plugin,
    params: resnet({ depth: 8, preact: true, shortcut: "B", channels: [4, 8, 16] }).params,
    data: image,
    activations: stages,
    logits: [2, 5],
  },
  {
    name: "wrn-10-1",
    plugin: wrn.plugin,
    params: wrn({ depth: 10, widen: 1 }).params,
    data: image,
    activations: stages,
    logits: [2, 5],
  },
  {
    name: "densenet-bc-10-4",
    plugin: densenet.plugin,
    params: densenet({ depth: 10, growthRate: 4 }).params,
    data: image,
    activations: ["block1", "block2", "block3", "features"],
    logits: [2, 5],
  },
  {
    name: "densenet-7-4 (plain)",
    plugin: densenet.plugin,
    params:
      densenet({ depth: 7, growthRate: 4, bottleneck: false, compression: 1, dropout: 0.2 }).params,
    data: image,
    activations: ["block1", "block2", "block3", "features"],
    logits: [2, 5],
  },
  {
    name: "densenet-resnet (wide, 2 blocks, head_conv)",
    plugin: densenetResnet.plugin,
    params: densenetResnet({ blocks: 2, stemChannels: 4, channels: [4, 6, 8], finalChannels: 10 })
      .params,
    data: image,
    activations: stages,
    logits: [2, 5],
  },
  {
    name: "densenet-resnet (bottleneck, width 0.5)",
    plugin: densenetResnet.plugin,
    params: densenetResnet({
      block: "bottleneck",
      width: 0.5,
      stemChannels: 4,
      channels: [8, 12, 16],
      finalChannels: 0,
    }).params,
    data: image,
    activations: stages,
    logits: [2, 5],
  },
  {
    name: "lstm (tied)",
    plugin: lstm.plugin,
    params: lstm({ preset: "small", units: 6, dropout: 0.5 }).params,
    data: text,
    activations: ["lstm1", "lstm2"],
    logits: [2, 3, 11],
  },
  {
    name: "lstm (untied, 1 layer)",
    plugin: lstm.plugin,
    params: lstm({ preset: "medium", units: 6, layers: 1, tied: false }).params,
    data: text,
    activations: ["lstm1"],
    logits: [2, 3, 11],
  },
  {
    name: "cnn-lstm",
    plugin: cnnLstm.plugin,
    params:
      cnnLstm({ preset: "small", widths: [1, 3], filters: [3, 4], charEmbedding: 4, units: 6 })
        .params,
    data: chars,
    activations: ["words", "lstm1", "lstm2"],
    logits: [2, 3, 11],
  },
];

function batch(
  { tf }: TfContext,
  c: Case,
): { input: { x: tfc.Tensor; chars?: tfc.Tensor }; labels: tfc.Tensor } {
  if (c.data.domain === "image") {
    return {
      input: { x: tf.randomNormal([2, ...c.data.imageShape!], 0, 1, "float32", 3) },
      labels: tf.tensor1d([1, 3], "int32"),
    };
  }
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
  const ch = c.data.chars
    ? tf.randomUniform([2, 3, c.data.chars.maxWordLength], 0, c.data.chars.vocabSize, "int32", 5)
    : undefined;
  return { input: { x, chars: ch }, labels: tf.tensor2d([[2, 3, 4], [5, 6, 7]], [2, 3], "int32") };
}

for (const c of CASES) {
  Deno.test(`${c.name}: forward gives logits ${JSON.stringify(c.logits)} and its named activations`, async () => {
    const ctx = await cpuContext();
    const model = c.plugin.build(ctx, c.params, c.data, 1);
    const { input } = batch(ctx, c);
    ctx.tf.tidy(() => {
      const out = model.forward(input, { training: false, activations: true });
      assert.deepEqual(out.logits.shape, c.logits);
      assert.deepEqual(model.activationNames, c.activations);
      assert.deepEqual(Object.keys(out.activations ?? {}), c.activations);
      for (const a of Object.values(out.activations!)) assert.equal(a.shape[0], 2);
      assert.equal(model.forward(input, { training: false }).activations, undefined);
    });
    model.net.dispose();
  });

  Deno.test(`${c.name}: parameterCount equals the built network's trainable weights`, async () => {
    const ctx = await cpuContext();
    const model = c.plugin.build(ctx, c.params, c.data, 1);
    assert.equal(c.plugin.parameterCount!(c.params, c.data), trainableCount(model.net));
    model.net.dispose();
  });

  Deno.test(`${c.name}: the same seed gives the same weights, another seed others`, async () => {
    const ctx = await cpuContext();
    const [a, b, other] = [7, 7, 8].map((seed) => c.plugin.build(ctx, c.params, c.data, seed));
    const [wa, wb, wo] = [a, b, other].map((m) => snapshot(m.net));
    for (const [name, values] of wa) assert.ok(sameValues(values, wb.get(name)!), name);
    const kernels = [...wa.keys()].filter((n) => /kernel|embeddings/.test(n));
    assert.ok(kernels.length > 0);
    for (const name of kernels) assert.ok(!sameValues(wa.get(name)!, wo.get(name)!), name);
    for (const m of [a, b, other]) m.net.dispose();
  });

  Deno.test(`${c.name}: weights saved in the TensorFlow.js format load into a fresh build`, async () => {
    const ctx = await cpuContext();
    const { tf } = ctx;
    const [a, b] = [1, 2].map((seed) => c.plugin.build(ctx, c.params, c.data, seed));
    let artifacts: tfc.io.ModelArtifacts | undefined;
    await a.net.save(tf.io.withSaveHandler((art) => {
      artifacts = art;
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
      });
    }));
    b.net.loadWeights(tf.io.decodeWeights(artifacts!.weightData!, artifacts!.weightSpecs!));
    const [wa, wb] = [snapshot(a.net), snapshot(b.net)];
    for (const [name, values] of wa) assert.ok(sameValues(values, wb.get(name)!), name);
    const { input } = batch(ctx, c);
    const [la, lb] = [a, b].map((m) => m.forward(input, { training: false }).logits.dataSync());
    assert.deepEqual(la, lb);
    a.net.dispose();
    b.net.dispose();
  });

  Deno.test(`${c.name}: training steps change the weights and leak no tensors`, async () => {
    const ctx = await cpuContext();
    const { tf } = ctx;
    const model = c.plugin.build(ctx, c.params, c.data, 1);
    const { input, labels } = batch(ctx, c);
    const optimizer = tf.train.momentum(0.05, 0.9, true);
    const before = snapshot(model.net);
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      const loss = trainStep(ctx, model, optimizer, input, labels, c.data.numClasses);
      assert.ok(Number.isFinite(loss), `loss ${loss} at step ${step}`);
      counts.push(tf.memory().numTensors);
    }
    // Step 1 creates the optimiser's momentum slots (and a recurrent model's carried state).
    assert.deepEqual(counts.slice(2), [counts[1], counts[1]]);
    const after = snapshot(model.net);
    const changed = model.net.trainableWeights.filter((w) =>
      !sameValues(before.get(w.originalName)!, after.get(w.originalName)!)
    );
    assert.ok(changed.length > 0);
    model.resetState?.();
    optimizer.dispose();
    model.net.dispose();
  });
}
