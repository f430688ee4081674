import { deepEqual, equal, rejects } from "node:assert/strict";
import { join } from "node:path";
import type { Tensor } from "@tensorflow/tfjs-core";
import { loadModelWeights, saveModel } from "../../../lib/train/weights_io.ts";
import { mlp } from "../../../plugins/models/mlp.ts";

const { ctx } = await (await import("../../../lib/executors/cpu/mod.ts")).load();
const { tf, tfl } = ctx;
const shape = {
  domain: "image" as const,
  numClasses: 3,
  imageShape: [4, 4, 3] as [number, number, number],
};

Deno.test("saved models load with plain tf.loadLayersModel and predict the same", async () => {
  const dir = await Deno.makeTempDir();
  const m = mlp.plugin.build(ctx, { hidden: 5, layers: 2 }, shape, 3);
  await saveModel(m.net, dir);
  const json = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  equal(json.format, "layers-model");
  const weights = await Deno.readFile(join(dir, "weights.bin"));
  // What any TensorFlow.js user would do with the two files:
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
  const x = tf.randomNormal([2, 4, 4, 3], 0, 1, "float32", 1);
  const a = (m.net.predict(x) as Tensor[])[0];
  const b = (loaded.predict(x) as Tensor[])[0];
  deepEqual(Array.from(await a.data()), Array.from(await b.data()));
});

Deno.test("loadModelWeights restores weights into a rebuilt model and rejects another architecture", async () => {
  const dir = await Deno.makeTempDir();
  const a = mlp.plugin.build(ctx, { hidden: 5, layers: 1 }, shape, 1);
  await saveModel(a.net, dir);
  const b = mlp.plugin.build(ctx, { hidden: 5, layers: 1 }, shape, 2);
  await loadModelWeights(tf, b.net, dir);
  deepEqual(
    b.net.getWeights().map((w) => Array.from(w.dataSync())),
    a.net.getWeights().map((w) => Array.from(w.dataSync())),
  );
  const c = mlp.plugin.build(ctx, { hidden: 6, layers: 1 }, shape, 2);
  await rejects(loadModelWeights(tf, c.net, dir), /has shape 48x5, the built model wants 48x6/);
});
