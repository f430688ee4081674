/**
 * Many training steps on onednn leak neither tensors nor memory: tfjs's tensor count and bytes
 * return to the same values after every step, and the process's resident memory stops growing
 * once the buffer pool and primitive cache have warmed up.
 */
import { deepEqual, ok } from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { onednnTest } from "./harness.ts";

onednnTest("200 training steps leak no tensors and no resident memory", (ex) => {
  const { tf, tfl } = ex.ctx;
  tf.setBackend("onednn");
  const L = tfl.layers;
  const input = tfl.input({ shape: [8, 8, 3] });
  const conv = L.conv2d({ filters: 16, kernelSize: 3, padding: "same", useBias: false })
    .apply(input) as tfl.SymbolicTensor;
  const bn = L.batchNormalization({}).apply(conv) as tfl.SymbolicTensor;
  const relu = L.reLU().apply(bn) as tfl.SymbolicTensor;
  const add = L.add().apply([relu, bn]) as tfl.SymbolicTensor;
  const pool = L.globalAveragePooling2d({}).apply(add) as tfl.SymbolicTensor;
  const logits = L.dense({ units: 10 }).apply(pool) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits });
  const x = tf.randomNormal([64, 8, 8, 3], 0, 1, "float32", 1);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), "int32"), 10);
  const opt = tf.train.momentum(0.01, 0.9);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const z = model.apply(x, { training: true }) as tfc.Tensor;
        return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(z)), 1))) as tfc.Scalar;
      });
      opt.applyGradients(grads as tfc.NamedTensorMap as Record<string, tfc.Variable>);
      return value.dataSync()[0];
    });
  const snapshot = () => {
    const m = tf.memory();
    return [m.numTensors, m.numBytes];
  };
  for (let i = 0; i < 20; i++) step();
  const tensors = snapshot();
  const rss = Deno.memoryUsage().rss;
  let loss = 0;
  for (let i = 0; i < 180; i++) {
    loss = step();
    deepEqual(snapshot(), tensors, `tensors or bytes changed at step ${i + 21}`);
  }
  const grown = Deno.memoryUsage().rss - rss;
  ok(Number.isFinite(loss), `loss is ${loss}`);
  ok(grown < 64 * 2 ** 20, `resident memory grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);
  tf.dispose([x, labels]);
  model.dispose();
  opt.dispose();
});
