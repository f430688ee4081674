/**
 * The CIFAR models' trainable parameter counts against the reference numbers in
 * ../shared/PAPER.md (rounded there to two significant digits), counted on the built networks.
 */
import assert from "node:assert/strict";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin } from "../../../lib/plugin/runtime.ts";
import { densenet, resnet, wrn } from "../../../plugins/models/mod.ts";
import { cpuContext, trainableCount } from "./helpers.ts";

const asPlugin = (p: unknown) => p as ModelPlugin<JsonObject>;
const cifar10: DataShape = { domain: "image", numClasses: 10, imageShape: [32, 32, 3] };

/** Within the rounding of the reference: half a unit of its last digit. */
function assertNear(actual: number, reference: number, unit: number, what: string) {
  assert.ok(
    Math.abs(actual - reference) <= unit / 2,
    `${what}: ${actual} parameters, reference ${reference} ± ${unit / 2}`,
  );
}

const REFERENCES: [string, ModelPlugin<JsonObject>, JsonObject, number, number][] = [
  ["ResNet-20", resnet.plugin, resnet({ depth: 20 }).params, 0.27e6, 0.01e6],
  ["ResNet-56", resnet.plugin, resnet({ depth: 56 }).params, 0.85e6, 0.01e6],
  ["ResNet-110", resnet.plugin, resnet({ depth: 110 }).params, 1.7e6, 0.1e6],
  ["WRN-28-1", wrn.plugin, wrn({ depth: 28, widen: 1 }).params, 0.37e6, 0.01e6],
  ["WRN-28-10", wrn.plugin, wrn({ depth: 28, widen: 10 }).params, 36.5e6, 0.1e6],
  [
    "DenseNet-BC-100-12",
    densenet.plugin,
    densenet({ depth: 100, growthRate: 12 }).params,
    0.8e6,
    0.1e6,
  ],
];

for (const [name, plugin, params, reference, unit] of REFERENCES) {
  Deno.test(`${name} has ${reference / 1e6}M trainable parameters, built and counted`, async () => {
    const ctx = await cpuContext();
    const model = plugin.build(ctx, params, cifar10, 1);
    const built = trainableCount(model.net);
    model.net.dispose();
    assertNear(built, reference, unit, name);
    assert.equal(plugin.parameterCount!(params, cifar10), built);
  });
}

Deno.test("ResNet-20 counts exactly as He et al.'s option A and B references", () => {
  const count = (shortcut: string) =>
    asPlugin(resnet.plugin).parameterCount!(resnet({ depth: 20, shortcut }).params, cifar10);
  assert.equal(count("A"), 269_722);
  // Option B adds two 1×1 projections with batch norm: 16·32 + 64 + 32·64 + 128.
  assert.equal(count("B"), 269_722 + 512 + 64 + 2048 + 128);
});

Deno.test("DenseNet-40-12 without bottlenecks or compression has 1.0M parameters", () => {
  const p = densenet({ depth: 40, growthRate: 12, bottleneck: false, compression: 1 }).params;
  assertNear(asPlugin(densenet.plugin).parameterCount!(p, cifar10), 1.0e6, 0.1e6, "DenseNet-40-12");
});
