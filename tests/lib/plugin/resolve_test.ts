/**
 * The plugin registry: each kind's `mod.ts` lists its plugins, and an unknown plugin is answered
 * with their names, never with helper files.
 */
import { deepEqual, ok, rejects } from "node:assert/strict";
import { availablePlugins, resolvePlugin } from "../../../lib/plugin/resolve.ts";
import type { DatasetDescriptor, LossDescriptor } from "../../../lib/plugin/descriptor.ts";

Deno.test("the registry lists plugin names from each kind's mod.ts", async () => {
  deepEqual(await availablePlugins("loss"), [
    "banL",
    "crossEntropy",
    "cwtm",
    "dkpp",
    "kd",
    "l2Activation",
    "weightedSum",
  ]);
  const models = await availablePlugins("model");
  for (const m of ["mlp", "resnet", "wrn", "densenet", "lstm", "cnnLstm"]) ok(models.includes(m));
  deepEqual(await availablePlugins("dataset"), [
    "cifar10",
    "cifar100",
    "ptb",
    "syntheticImages",
    "syntheticText",
  ]);
});

Deno.test("an unknown loss names the losses, not the helper files", async () => {
  const descriptor: LossDescriptor = {
    kind: "loss",
    name: "kdd",
    module: "plugins/losses/kd.ts",
    export: "kdd",
    params: {},
    needsTeacher: true,
    needsActivations: false,
  };
  await rejects(resolvePlugin(descriptor), (e: Error) => {
    ok(e.message.includes("available are banL, crossEntropy, cwtm, dkpp, kd,"), e.message);
    ok(!/teacher_?[pP]robs|soft_cross_entropy|stop_gradient/.test(e.message), e.message);
    return true;
  });
});

Deno.test("an unknown dataset module names the datasets, not the download helpers", async () => {
  const descriptor: DatasetDescriptor = {
    kind: "dataset",
    name: "mnist",
    module: "datasets/mnist.ts",
    export: "mnist",
    params: {},
    domain: "image",
  };
  await rejects(resolvePlugin(descriptor), (e: Error) => {
    ok(e.message.includes("available are cifar10, cifar100, ptb, syntheticImages"), e.message);
    ok(!/acquire|md5|file_lock|\bcli\b/.test(e.message), e.message);
    return true;
  });
});
