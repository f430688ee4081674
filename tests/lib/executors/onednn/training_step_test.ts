/**
 * Whole training steps on onednn, at sizes where oneDNN takes the elementwise ops and matmuls too
 * (the conformance suite's steps are smaller), give the loss and gradients the cpu backend gives:
 * the resnet model plugin (3-channel stem, batch norm + ReLU, residual adds, both shortcut kinds,
 * global average pooling, dense) and the lstm model plugin (embedding, two LSTM layers, tied
 * softmax), with the crossEntropy loss plugin.
 */
import { ok } from "node:assert/strict";
import type { LoadedExecutor } from "../../../../lib/executors/executor.ts";
import { compareStep, lstmLogits, pluginStep, tinyLstm, tinyResnet } from "../conformance.ts";
import { dnnlRuns, onednnTest } from "./harness.ts";

for (const shortcut of ["A", "B"] as const) {
  onednnTest(`a resnet (shortcut ${shortcut}) training step gives cpu's loss and gradients`, async (
    ex: LoadedExecutor,
  ) => {
    const { ctx } = ex;
    const { tf } = ctx;
    const model = tinyResnet(ctx, { shortcut, channels: [8, 16, 32], imageShape: [12, 12, 3] });
    const x = tf.randomNormal([4, 12, 12, 3], 0, 1, "float32", 5);
    const y = tf.tensor1d([0, 3, 1, 4], "int32");
    const runs = await compareStep(
      tf,
      "onednn",
      [x, y, ...model.net.weights.map((w) => w.read())],
      () => pluginStep(ctx, model.net, () => model.forward({ x }, { training: true }).logits, y),
      () => dnnlRuns(ex),
      1e-3,
    );
    ok(runs > 0, "nothing ran on oneDNN");
    tf.dispose([x, y]);
    model.net.dispose();
  });
}

onednnTest("an lstm training step gives cpu's loss and gradients", async (ex) => {
  const { ctx } = ex;
  const { tf } = ctx;
  const model = tinyLstm(ctx, { vocab: 50, units: 64 });
  const x = tf.randomUniform([8, 12], 0, 50, "int32", 6);
  const y = tf.randomUniform([8, 12], 0, 50, "int32", 7);
  const runs = await compareStep(
    tf,
    "onednn",
    [x, y, ...model.net.weights.map((w) => w.read())],
    () => pluginStep(ctx, model.net, () => lstmLogits(ctx, model, x), y),
    () => dnnlRuns(ex),
    1e-3,
  );
  ok(runs > 0, "nothing ran on oneDNN");
  tf.dispose([x, y]);
  model.net.dispose();
});
