/**
 * The custom layers against TensorFlow.js's own: the embedding's scatter-add gradient equals
 * gather's, and the LSTM layer computes what the stock LSTM computes with the same weights.
 */
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { embedding } from "../../../plugins/models/common/embedding.ts";
import { lstmLayer, lstmSequenceFn } from "../../../plugins/models/common/lstm_layer.ts";
import { cpuContext, maxDiff } from "./helpers.ts";

Deno.test("embedding's gradient equals gather's, repeated ids summed", async () => {
  const ctx = await cpuContext();
  const { tf, tfl: t } = ctx;
  const layer = embedding(ctx, {
    name: "emb",
    inputDim: 5,
    outputDim: 3,
    embeddingsInitializer: t.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }),
  });
  const ids = tf.tensor2d([[1, 4, 1], [0, 1, 3]], [2, 3], "int32");
  const w = tf.randomNormal([2, 3, 3], 0, 1, "float32", 2);
  layer.apply(ids);
  const e = layer.trainableWeights[0].read() as tfc.Variable;
  const ours = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(ids) as tfc.Tensor, w)), [e]);
  const stock = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(e, ids), w)), [e]);
  assert.deepEqual((layer.apply(ids) as tfc.Tensor).shape, [2, 3, 3]);
  assert.ok(maxDiff(ours.grads[e.name], stock.grads[e.name]) < 1e-6);
  assert.ok(maxDiff(ours.value, stock.value) < 1e-5);
});

Deno.test("the LSTM layer matches tfjs-layers' LSTM (sigmoid gates) with the same weights", async () => {
  const ctx = await cpuContext();
  const { tf, tfl: t } = ctx;
  const uniform = (seed: number) =>
    t.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });
  const x = tf.randomNormal([2, 4, 3], 0, 1, "float32", 3);
  const zeros = tf.zeros([2, 5]);
  const ours = lstmLayer(ctx, {
    name: "ours",
    units: 5,
    kernelInitializer: uniform(1),
    recurrentInitializer: uniform(2),
    biasInitializer: uniform(3),
  });
  const [seq, h] = ours.apply([x, zeros, zeros]) as tfc.Tensor[];
  const stock = t.layers.lstm({
    units: 5,
    returnSequences: true,
    recurrentActivation: "sigmoid",
    kernelInitializer: uniform(1),
    recurrentInitializer: uniform(2),
    biasInitializer: uniform(3),
  }) as tfl.layers.Layer;
  stock.apply(x);
  stock.setWeights(ours.getWeights());
  const expected = stock.apply(x) as tfc.Tensor;
  assert.ok(maxDiff(seq, expected) < 1e-5);
  assert.ok(maxDiff(h, tf.squeeze(tf.slice(expected, [0, 3, 0], [2, 1, 5]), [1])) < 1e-5);
});

Deno.test("the LSTM's hand-written backward pass equals autodiff of the same recurrence", async () => {
  const { tf } = await cpuContext();
  const [b, steps, d, u] = [2, 3, 4, 5];
  const r = (shape: number[], seed: number) => tf.randomUniform(shape, -0.6, 0.6, "float32", seed);
  const inputs = [
    r([b, steps, d], 1),
    r([b, u], 2),
    r([b, u], 3),
    r([d, 4 * u], 4),
    r([u, 4 * u], 5),
    r([4 * u], 6),
  ];
  const weights = r([steps + 2, b, u], 7);
  const reference = (
    x: tfc.Tensor,
    h0: tfc.Tensor,
    c0: tfc.Tensor,
    k: tfc.Tensor,
    rk: tfc.Tensor,
    bias: tfc.Tensor,
  ) => {
    let h = h0 as tfc.Tensor2D, c = c0 as tfc.Tensor2D;
    const hs: tfc.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const xt = tf.reshape(tf.slice(x, [0, t, 0], [b, 1, d]), [b, d]) as tfc.Tensor2D;
      const z = tf.add(
        tf.add(tf.matMul(xt, k as tfc.Tensor2D), tf.matMul(h, rk as tfc.Tensor2D)),
        bias,
      );
      const [i, f, g, o] = tf.split(z, 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      hs.push(h);
    }
    return tf.concat([tf.stack(hs), tf.stack([h, c])], 0);
  };
  const loss = (f: (...a: tfc.Tensor[]) => tfc.Tensor) => (...a: tfc.Tensor[]) =>
    tf.sum(tf.mul(f(...a), weights));
  const ours = lstmSequenceFn(tf);
  assert.ok(
    maxDiff(
      ours(...inputs),
      reference(
        ...(inputs as [tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor]),
      ),
    ) < 1e-5,
  );
  const gOurs = tf.grads(loss((...a) => ours(...a)))(inputs);
  const gRef = tf.grads(
    loss((...a) =>
      reference(...(a as [tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor]))
    ),
  )(inputs);
  const names = ["x", "h0", "c0", "kernel", "recurrent", "bias"];
  gOurs.forEach((g, i) => {
    assert.deepEqual(g.shape, inputs[i].shape, names[i]);
    assert.ok(maxDiff(g, gRef[i]) < 1e-5, `${names[i]}: ${maxDiff(g, gRef[i])}`);
  });
});
