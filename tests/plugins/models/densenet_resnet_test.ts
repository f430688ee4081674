/**
 * The DenseNet-shaped ResNet students (the paper's DenseNet → ResNet table): parameter counts
 * against an independent PyTorch implementation (tests/fixtures/densenet_resnet_counts.py, run
 * once with Debian's python3-torch 1.13; its output is pasted below), built networks against the
 * counting formula, and the teacher's first convolution and classifier transferring into them.
 */
import assert from "node:assert/strict";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin } from "../../../lib/plugin/runtime.ts";
import { transferLayers } from "../../../lib/train/transfer.ts";
import { densenet, densenetResnet, densenetStudentShape } from "../../../plugins/models/mod.ts";
import { cpuContext, trainableCount } from "./helpers.ts";

/** `/usr/bin/python3 tests/fixtures/densenet_resnet_counts.py` (trainable `numel`). */
const TORCH: Record<string, number> = {
  "densenet-90-60": 15189100,
  "densenet-112-33": 6987916,
  "wide-1-1": 21039640,
  "wide-1-0.5": 5804485,
  "wide-2-1": 43160200,
  "wide-2-0.5": 11336515,
  "wide-3-1": 65280760,
  "wide-3-0.5": 16868545,
  "wide-4-1": 87401320,
  "wide-4-0.5": 22400575,
  "bottleneck-1-1": 3369764,
  "bottleneck-1-0.5": 1258322,
  "bottleneck-2-1": 4678278,
  "bottleneck-2-0.5": 1584579,
  "bottleneck-3-1": 5986792,
  "bottleneck-3-0.5": 1910836,
  "bottleneck-4-1": 7295306,
  "bottleneck-4-0.5": 2237093,
  "bottleneck-14-1": 20380446,
  "bottleneck-14-0.5": 5499663,
  "frozen conv0 + fc": 153340,
  "small wide-1-1": 10424,
  "small wide-2-0.5": 6056,
  "small bottleneck-1-1": 2046,
  "small bottleneck-2-0.5": 1152,
  "small wide-2-1 final=0": 20960,
};

const cifar100: DataShape = { domain: "image", numClasses: 100, imageShape: [32, 32, 3] };
const tiny: DataShape = { domain: "image", numClasses: 10, imageShape: [8, 8, 3] };
const plugin = densenetResnet.plugin as unknown as ModelPlugin<JsonObject>;
const countOf = (params: JsonObject, data: DataShape) => plugin.parameterCount!(params, data);

Deno.test("the student's shapes follow DenseNet-BC-90-60's blocks after compression", () => {
  const shape = densenetStudentShape({ depth: 90, growthRate: 60 });
  assert.deepEqual(shape, { stemChannels: 120, channels: [480, 660, 750], finalChannels: 1500 });
  // The plugin's defaults are that teacher's shapes, one wide block per stage.
  const d = densenetResnet().params;
  assert.deepEqual([d.block, d.blocks, d.width], ["wide", 1, 1]);
  assert.deepEqual([d.stemChannels, d.channels, d.finalChannels], [120, [480, 660, 750], 1500]);
});

Deno.test("the DenseNet-BC teachers count as PyTorch counts them", () => {
  const teacher = densenet.plugin as unknown as ModelPlugin<JsonObject>;
  for (const [depth, growthRate] of [[90, 60], [112, 33]]) {
    const params = densenet({ depth, growthRate }).params;
    assert.equal(
      teacher.parameterCount!(params, cifar100),
      TORCH[`densenet-${depth}-${growthRate}`],
      `DenseNet-${depth}-${growthRate}`,
    );
  }
});

Deno.test("every student of the family counts as PyTorch counts it (CIFAR-100, 90-60 shapes)", () => {
  const shape = densenetStudentShape({ depth: 90, growthRate: 60 });
  const configs = [
    ...[1, 2, 3, 4].map((blocks) => ["wide", blocks] as const),
    ...[1, 2, 3, 4, 14].map((blocks) => ["bottleneck", blocks] as const),
  ];
  for (const [block, blocks] of configs) {
    for (const width of [1, 0.5]) {
      const name = `${block}-${blocks}-${width}`;
      const params = densenetResnet({ ...shape, block, blocks, width }).params;
      assert.equal(countOf(params, cifar100), TORCH[name], name);
    }
  }
});

Deno.test("built students have exactly the counted trainable weights", async () => {
  const ctx = await cpuContext();
  const small = { stemChannels: 6, channels: [8, 12, 20], finalChannels: 24 };
  const cases: [string, JsonObject][] = [
    ["small wide-1-1", densenetResnet({ ...small }).params],
    ["small wide-2-0.5", densenetResnet({ ...small, blocks: 2, width: 0.5 }).params],
    ["small bottleneck-1-1", densenetResnet({ ...small, block: "bottleneck" }).params],
    [
      "small bottleneck-2-0.5",
      densenetResnet({ ...small, block: "bottleneck", blocks: 2, width: 0.5 }).params,
    ],
    ["small wide-2-1 final=0", densenetResnet({ ...small, blocks: 2, finalChannels: 0 }).params],
  ];
  for (const [name, params] of cases) {
    const model = plugin.build(ctx, params, tiny, 1);
    const built = trainableCount(model.net);
    model.net.dispose();
    assert.equal(built, TORCH[name], `${name}: built`);
    assert.equal(countOf(params, tiny), built, `${name}: counted`);
  }
});

Deno.test("a DenseNet teacher's conv0 and fc transfer into its student and freeze", async () => {
  const ctx = await cpuContext();
  const arch = { depth: 10, growthRate: 4 };
  const teacherPlugin = densenet.plugin as unknown as ModelPlugin<JsonObject>;
  const teacher = teacherPlugin.build(ctx, densenet(arch).params, tiny, 1);
  const params = densenetResnet({ ...densenetStudentShape(arch), blocks: 2 }).params;
  const student = plugin.build(ctx, params, tiny, 2);
  const before = trainableCount(student.net);
  transferLayers(teacher.net, student.net, ["conv0", "fc"], true);
  const frozen = ["conv0", "fc"].map((n) => student.net.getLayer(n).countParams());
  assert.equal(trainableCount(student.net), before - frozen[0] - frozen[1]);
  for (const name of ["conv0", "fc"]) {
    const a = teacher.net.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
    const b = student.net.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(b, a, name);
  }
  // At CIFAR-100 scale the two frozen layers are DenseNet-90-60's 3×3×3×120 stem and 1500×100 fc.
  assert.equal(27 * 120 + 1500 * 100 + 100, TORCH["frozen conv0 + fc"]);
  teacher.net.dispose();
  student.net.dispose();
});

Deno.test("invalid student params name the field", () => {
  assert.throws(
    () => densenetResnet({ block: "dense" }),
    /block must be one of "wide", "bottleneck"/,
  );
  assert.throws(() => densenetResnet({ blocks: 0 }), /blocks must be a positive integer: got 0/);
  assert.throws(() => densenetResnet({ width: 0 }), /width must be in \(0, 4\]: got 0/);
  assert.throws(
    () => densenetResnet({ width: 0.01, channels: [8, 8, 8] }),
    /width 0.01 leaves a stage without filters/,
  );
});
