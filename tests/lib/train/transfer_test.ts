/** transferLayers: exact partial copies, freezing, and errors that name the layer. */
import assert from "node:assert/strict";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin } from "../../../lib/plugin/runtime.ts";
import { TransferError, transferLayers } from "../../../lib/train/transfer.ts";
import { densenet, resnet } from "../../../plugins/models/mod.ts";
import { cpuContext, sameValues, snapshot, trainStep } from "../../plugins/models/helpers.ts";

const resnets = resnet.plugin as unknown as ModelPlugin<JsonObject>;
const densenets = densenet.plugin as unknown as ModelPlugin<JsonObject>;
const data: DataShape = { domain: "image", numClasses: 3, imageShape: [4, 4, 3] };
const small = (channels = [4, 8, 16]) => resnet({ depth: 8, preact: true, channels }).params;
const layerOfWeight = (name: string) => name.split("/")[0];

Deno.test("transferLayers copies exactly the named layers' weights", async () => {
  const ctx = await cpuContext();
  const from = resnets.build(ctx, small(), data, 1), to = resnets.build(ctx, small(), data, 2);
  const source = snapshot(from.net), before = snapshot(to.net);
  transferLayers(from.net, to.net, ["conv0", "fc"], false);
  const after = snapshot(to.net);
  for (const [name, values] of after) {
    const copied = ["conv0", "fc"].includes(layerOfWeight(name));
    assert.ok(sameValues(values, (copied ? source : before).get(name)!), name);
  }
  assert.equal(to.net.getLayer("conv0").trainable, true);
  from.net.dispose();
  to.net.dispose();
});

Deno.test("a frozen transferred layer does not change in a training step; the others do", async () => {
  const ctx = await cpuContext();
  const { tf } = ctx;
  const from = resnets.build(ctx, small(), data, 1), to = resnets.build(ctx, small(), data, 2);
  const source = snapshot(from.net);
  transferLayers(from.net, to.net, ["conv0", "fc"], true);
  assert.equal(to.net.getLayer("fc").trainable, false);
  const before = snapshot(to.net);
  const x = tf.randomNormal([2, 4, 4, 3], 0, 1, "float32", 1);
  const labels = tf.tensor1d([0, 2], "int32");
  const optimizer = tf.train.sgd(0.5);
  trainStep(ctx, to, optimizer, { x }, labels, 3);
  // Training the source afterwards must not reach the copy.
  trainStep(ctx, from, optimizer, { x }, labels, 3);
  const after = snapshot(to.net);
  let changed = 0;
  for (const w of to.net.weights) {
    const frozen = ["conv0", "fc"].includes(layerOfWeight(w.originalName));
    const same = sameValues(after.get(w.originalName)!, before.get(w.originalName)!);
    if (frozen) {
      assert.ok(same, `${w.originalName} changed`);
      assert.ok(sameValues(after.get(w.originalName)!, source.get(w.originalName)!));
    } else if (!same) changed++;
  }
  assert.ok(changed > 0, "the unfrozen layers trained");
  from.net.dispose();
  to.net.dispose();
});

Deno.test("transferLayers rejects a missing layer and names it", async () => {
  const ctx = await cpuContext();
  const from = resnets.build(ctx, small(), data, 1), to = resnets.build(ctx, small(), data, 2);
  assert.throws(
    () => transferLayers(from.net, to.net, ["conv0", "classifier"], true),
    (e: unknown) =>
      e instanceof TransferError && /layer "classifier": the source model/.test(e.message) &&
      /conv0/.test(e.message),
  );
  assert.equal(to.net.getLayer("conv0").trainable, true, "nothing frozen on failure");
  from.net.dispose();
  to.net.dispose();
});

Deno.test("transferLayers rejects a shape mismatch, names layer and shapes, copies nothing", async () => {
  const ctx = await cpuContext();
  const from = resnets.build(ctx, small(), data, 1);
  const to = resnets.build(ctx, small([4, 8, 12]), data, 2);
  const before = snapshot(to.net);
  assert.throws(
    () => transferLayers(from.net, to.net, ["conv0", "fc"], false),
    (e: unknown) =>
      e instanceof TransferError &&
      e.message.includes('layer "fc": weight 0 has shape [16,3] in the source and [12,3]'),
  );
  const after = snapshot(to.net);
  for (const [name, values] of after) assert.ok(sameValues(values, before.get(name)!), name);
  from.net.dispose();
  to.net.dispose();
});

Deno.test("a ResNet student takes a DenseNet teacher's conv0 and fc when widths match", async () => {
  const ctx = await cpuContext();
  const teacher = densenets.build(ctx, densenet({ depth: 10, growthRate: 4 }).params, data, 1);
  const stem = teacher.net.getLayer("conv0").getWeights()[0].shape[3]!;
  const features = teacher.net.getLayer("fc").getWeights()[0].shape[0]!;
  const student = resnets.build(
    ctx,
    resnet({ depth: 8, preact: true, stemChannels: stem, channels: [stem, stem, features] }).params,
    data,
    2,
  );
  transferLayers(teacher.net, student.net, ["conv0", "fc"], true);
  const t = snapshot(teacher.net), s = snapshot(student.net);
  for (const name of ["conv0/kernel", "fc/kernel", "fc/bias"]) {
    assert.ok(sameValues(t.get(name)!, s.get(name)!), name);
  }
  teacher.net.dispose();
  student.net.dispose();
});
