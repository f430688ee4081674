/** The character-aware CNN-LSTM: its input, carried state and Kim et al.'s sizes. */
import assert from "node:assert/strict";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin } from "../../../lib/plugin/runtime.ts";
import { cnnLstm } from "../../../plugins/models/mod.ts";
import { cpuContext, trainableCount } from "./helpers.ts";

const plugin = cnnLstm.plugin as unknown as ModelPlugin<JsonObject>;
const tinyParams = cnnLstm({
  preset: "small",
  widths: [1, 2],
  filters: [3, 4],
  charEmbedding: 4,
  units: 5,
}).params;
const tiny: DataShape = {
  domain: "text",
  numClasses: 7,
  chars: { maxWordLength: 4, vocabSize: 6 },
};
const ptb: DataShape = {
  domain: "text",
  numClasses: 10_000,
  chars: { maxWordLength: 21, vocabSize: 51 },
};

Deno.test("cnnLstm needs input.chars and names what is missing", async () => {
  const ctx = await cpuContext();
  const model = plugin.build(ctx, tinyParams, tiny, 1);
  const x = ctx.tf.tensor2d([[1, 2]], [1, 2], "int32");
  assert.throws(() => model.forward({ x }, { training: false }), /input\.chars/);
  assert.throws(
    () => plugin.build(ctx, tinyParams, { domain: "text", numClasses: 7 }, 1),
    /gives no chars/,
  );
  assert.throws(
    () => plugin.build(ctx, tinyParams, { ...tiny, chars: { maxWordLength: 1, vocabSize: 6 } }, 1),
    /widths go up to 2 characters but words have at most 1/,
  );
  model.net.dispose();
});

Deno.test("cnnLstm carries state across windows until resetState()", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const model = plugin.build(ctx, tinyParams, tiny, 1);
  const x = tf.tensor2d([[1, 2]], [1, 2], "int32");
  const chars = tf.tensor3d([[[1, 2, 3, 0], [4, 5, 0, 0]]], [1, 2, 4], "int32");
  const run = () => model.forward({ x, chars }, { training: false }).logits.dataSync();
  const first = run(), second = run();
  assert.notDeepEqual(first, second);
  model.resetState!();
  assert.deepEqual(run(), first);
  model.net.dispose();
});

Deno.test("cnnLstm presets have Kim et al.'s sizes on PTB: large 19M, small 5M", async () => {
  const ctx = await cpuContext();
  const model = plugin.build(ctx, cnnLstm().params, ptb, 1);
  const large = trainableCount(model.net);
  model.net.dispose();
  assert.equal(plugin.parameterCount!(cnnLstm().params, ptb), large);
  assert.ok(Math.abs(large - 19e6) < 0.5e6, `large: ${large}`);
  const small = plugin.parameterCount!(cnnLstm({ preset: "small" }).params, ptb);
  assert.ok(Math.abs(small - 5e6) < 0.5e6, `small: ${small}`);
});
