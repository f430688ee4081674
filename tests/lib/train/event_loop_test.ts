/**
 * On the wasm executor TensorFlow.js resolves `data()` without ever reaching the timer queue, so
 * a loop that only awaits tensors would starve lock heartbeats, the parent-process watch and
 * Ctrl-C for the whole step. The training loop and evaluation must yield.
 */
import { ok } from "node:assert/strict";
import { loadExecutor } from "../../../lib/executors/mod.ts";
import { syntheticImages } from "../../../datasets/synthetic_images.ts";
import { resnet } from "../../../plugins/models/resnet.ts";
import { crossEntropy } from "../../../plugins/losses/mod.ts";
import { trainLoop } from "../../../lib/train/loop.ts";
import { CIFAR_RECIPE } from "../../../lib/train/recipe.ts";
import type { ImageDataset } from "../../../lib/plugin/runtime.ts";
import { dataShape } from "../../../lib/worker/context.ts";

Deno.test("timers run while a conv net trains on wasm (heartbeats, parent watch, Ctrl-C)", async () => {
  const { ctx } = await loadExecutor("wasm", { log: () => {} });
  const params = { ...syntheticImages.defaults, classes: 4, train: 128, test: 32, size: 16 };
  const data = await syntheticImages.plugin.load(params, {
    dataDir: "",
    verify: false,
  }) as ImageDataset;
  const model = resnet.plugin.build(ctx, { ...resnet.defaults, depth: 8 }, dataShape(data), 1);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const started = performance.now();
  await trainLoop({
    ctx,
    student: model,
    teachers: [],
    loss: { plugin: crossEntropy.plugin, params: {}, needsActivations: false },
    data,
    recipe: { ...CIFAR_RECIPE, epochs: 2, batchSize: 16 },
    seed: 1,
    workDir: await Deno.makeTempDir(),
    step: "s",
  });
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  // At least one tick per half second of training: the loop hands the event loop a turn.
  ok(ticks >= Math.floor(seconds / 0.5), `${ticks} ticks in ${seconds.toFixed(2)} s`);
  model.net.dispose();
});
