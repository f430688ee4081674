/** The LSTM language model: carried state, tied weights and Zaremba et al.'s sizes. */
import assert from "node:assert/strict";
import type * as tfc from "@tensorflow/tfjs-core";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin } from "../../../lib/plugin/runtime.ts";
import { lstm } from "../../../plugins/models/mod.ts";
import { cpuContext, maxDiff, trainableCount } from "./helpers.ts";

const plugin = lstm.plugin as unknown as ModelPlugin<JsonObject>;
const tiny: DataShape = { domain: "text", numClasses: 13 };
const ptb: DataShape = { domain: "text", numClasses: 10_000 };

Deno.test("lstm carries state across BPTT windows until resetState()", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const model = plugin.build(ctx, lstm({ preset: "small", units: 6 }).params, tiny, 3);
  const tokens = tf.tensor2d([[1, 5, 2, 7, 3, 9], [4, 4, 8, 0, 12, 6]], [2, 6], "int32");
  const first = tf.slice(tokens, [0, 0], [2, 3]), second = tf.slice(tokens, [0, 3], [2, 3]);
  const run = (x: tfc.Tensor) => model.forward({ x }, { training: false }).logits;

  const whole = tf.slice(run(tokens), [0, 3, 0], [2, 3, 13]);
  model.resetState!();
  run(first);
  const carried = run(second);
  assert.ok(maxDiff(carried, whole) < 1e-5, "second window continues the first");

  model.resetState!();
  const fresh = run(second);
  assert.ok(maxDiff(fresh, carried) > 1e-4, "after resetState the state starts from zeros");
  const again = run(second);
  assert.ok(maxDiff(again, fresh) > 1e-4, "a second call continues from the first's state");
  model.net.dispose();
});

Deno.test("lstm starts from zeros when the batch size changes", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const model = plugin.build(ctx, lstm({ preset: "small", units: 6 }).params, tiny, 3);
  const one = tf.tensor2d([[1, 5, 2]], [1, 3], "int32");
  const reference = model.forward({ x: one }, { training: false }).logits;
  model.resetState!();
  model.forward({ x: tf.tensor2d([[3, 3, 3], [4, 4, 4]], [2, 3], "int32") }, { training: false });
  const after = model.forward({ x: one }, { training: false }).logits;
  assert.ok(maxDiff(after, reference) < 1e-6);
  model.net.dispose();
});

Deno.test("tied lstm computes logits with the embedding matrix and has no output kernel", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const model = plugin.build(ctx, lstm({ preset: "small", units: 6 }).params, tiny, 3);
  assert.ok(!model.net.trainableWeights.some((w) => w.originalName.startsWith("softmax/kernel")));
  const x = tf.tensor2d([[1, 5, 2]], [1, 3], "int32");
  const { logits, activations } = model.forward({ x }, { training: false, activations: true });
  const e = model.net.getLayer("embedding").getWeights()[0] as tfc.Tensor2D;
  const b = model.net.getLayer("softmax").getWeights()[0];
  const h = tf.reshape(activations!.lstm2, [3, 6]) as tfc.Tensor2D;
  const expected = tf.add(tf.matMul(h, e, false, true), b);
  assert.ok(maxDiff(tf.reshape(logits, [3, 13]), expected) < 1e-5);

  const untied = lstm({ preset: "small", units: 6, tied: false }).params;
  const tied = lstm({ preset: "small", units: 6 }).params;
  assert.equal(plugin.parameterCount!(untied, tiny) - plugin.parameterCount!(tied, tiny), 13 * 6);
  model.net.dispose();
});

Deno.test("lstm presets have Zaremba et al.'s sizes on a 10k vocabulary", async () => {
  const count = (o: Parameters<typeof lstm>[0]) => plugin.parameterCount!(lstm(o).params, ptb);
  // Medium (650 units, untied as in Zaremba et al.): about 20M.
  assert.ok(Math.abs(count({ preset: "medium", tied: false }) - 20e6) < 0.5e6);
  // Large (1500 units): about 66M untied; tied, the paper's Table 6 says 52M.
  assert.ok(Math.abs(count({ preset: "large", tied: false }) - 66e6) < 0.5e6);
  const ctx = await cpuContext();
  const model = plugin.build(ctx, lstm().params, ptb, 1);
  const built = trainableCount(model.net);
  model.net.dispose();
  assert.equal(built, count({}));
  assert.ok(Math.abs(built - 52e6) < 1.5e6, `large tied: ${built}`);
});
