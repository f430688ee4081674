/**
 * Parameter counts as `plan` shows them: the shape each project image dataset's params fix, each
 * train step's model counted by its plugin with that shape (without building, frozen layers
 * included), the same count a built network has, no count where the dataset or step cannot say,
 * and a model from outside the project's plugins/ counted in a sandbox.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import chain from "../../fixtures/pipelines/chain.ts";
import hostileCount from "../../fixtures/pipelines/hostile/count_time.ts";
import { ROOT } from "../../helpers/cli.ts";
import { cpuContext, trainableCount } from "../../plugins/models/helpers.ts";
import { cifar10, cifar100, ptb, syntheticImages, syntheticText } from "../../../datasets/mod.ts";
import { pipeline } from "../../../lib/dsl/pipeline.ts";
import { PipelineError } from "../../../lib/errors.ts";
import { validateGraph } from "../../../lib/graph/validate.ts";
import { imageShapeOf, plannedParameters } from "../../../lib/plan/parameter_counts.ts";
import type { DatasetDescriptor, JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { DataShape, ModelPlugin } from "../../../lib/plugin/runtime.ts";
import type { ValidStep } from "../../../lib/spec/step.ts";
import { densenet, densenetResnet, lstm, mlp, resnet, wrn } from "../../../plugins/models/mod.ts";
import { crossEntropy } from "../../../plugins/losses/mod.ts";

const image = (numClasses: number, side: number): DataShape => ({
  domain: "image",
  numClasses,
  imageShape: [side, side, 3],
});
const asPlugin = (p: unknown) => p as ModelPlugin<JsonObject>;

/** The steps of chain.ts (mlp with 8 hidden units on 4×4 synthetic images of 3 classes). */
const chainSteps = () =>
  Object.fromEntries(
    validateGraph(chain.declare({}, join(ROOT, "tests/fixtures/pipelines/chain.ts"))).order
      .map((s) => [s.name, s]),
  ) as Record<string, ValidStep>;

Deno.test("imageShapeOf: the class count and image size each project image dataset fixes", () => {
  deepEqual(imageShapeOf(cifar10() as DatasetDescriptor), image(10, 32));
  deepEqual(imageShapeOf(cifar100() as DatasetDescriptor), image(100, 32));
  deepEqual(imageShapeOf(cifar100({ labels: "coarse" }) as DatasetDescriptor), image(20, 32));
  deepEqual(
    imageShapeOf(syntheticImages({ classes: 7, size: 12 }) as DatasetDescriptor),
    image(7, 12),
  );
  equal(imageShapeOf(ptb() as DatasetDescriptor), undefined);
  equal(imageShapeOf(syntheticText() as DatasetDescriptor), undefined);
});

Deno.test("a train step counts as its model plugin counts, and as its built network has", async () => {
  const steps = chainSteps();
  const shape = image(3, 4);
  const params = mlp({ hidden: 8 }).params;
  // flatten 4·4·3 = 48 → dense 8 → dense 3.
  const expected = 48 * 8 + 8 + 8 * 3 + 3;
  equal(asPlugin(mlp.plugin).parameterCount!(params, shape), expected);
  const ctx = await cpuContext();
  const built = asPlugin(mlp.plugin).build(ctx, params, shape, 1);
  try {
    equal(trainableCount(built.net), expected);
  } finally {
    built.net.dispose();
  }
  for (const name of ["teacher", "gen1", "gen2"]) {
    equal(await plannedParameters(steps[name]), expected, name);
  }
});

Deno.test("an ensemble step has no model of its own and gets no count", async () => {
  equal(chainSteps().bane.kind, "ensemble");
  equal(await plannedParameters(chainSteps().bane), undefined);
});

const PLUGINS: Record<string, unknown> = {
  resnet: resnet.plugin,
  wrn: wrn.plugin,
  densenet: densenet.plugin,
  densenetResnet: densenetResnet.plugin,
};

/** The train steps of a pipeline with one step per model, all on `data`. */
function modelSteps(
  data: ReturnType<typeof cifar10> | ReturnType<typeof cifar100>,
): Record<string, ValidStep> {
  const graph = pipeline("counts", ({ dataset, train }) => {
    const d = dataset(data);
    const models = {
      resnet20: resnet({ depth: 20 }),
      wrn16: wrn({ depth: 16, widen: 2 }),
      densenet40: densenet({ depth: 40, growthRate: 12 }),
      student: densenetResnet(),
    };
    for (const [name, model] of Object.entries(models)) {
      train(name, { data: d, model, loss: crossEntropy(), epochs: 1 });
    }
  }).declare();
  return Object.fromEntries(validateGraph(graph).order.map((s) => [s.name, s]));
}

Deno.test("CIFAR models count with the classes the dataset's labels give", async () => {
  // He et al.'s ResNet-20 on CIFAR-10; each further class adds 64 weights and a bias.
  const cases: [ReturnType<typeof cifar10>, DataShape, number][] = [
    [cifar10(), image(10, 32), 269_722],
    [cifar100({ labels: "coarse" }), image(20, 32), 269_722 + 10 * 65],
    [cifar100(), image(100, 32), 269_722 + 90 * 65],
  ];
  for (const [data, shape, resnet20] of cases) {
    const steps = modelSteps(data);
    equal(await plannedParameters(steps.resnet20), resnet20, `ResNet-20, ${shape.numClasses}`);
    for (const [name, step] of Object.entries(steps)) {
      const plugin = asPlugin(PLUGINS[step.model!.name]);
      const counted = await plannedParameters(step);
      ok(counted && counted > 0, `${name}: ${counted}`);
      equal(counted, plugin.parameterCount!(step.model!.params, shape), name);
    }
  }
});

Deno.test("the DenseNet-shaped student counts its frozen stem and classifier too", async () => {
  // 21.04M on CIFAR-100, of which 20.89M are trainable once conv0 and fc are frozen.
  const counted = await plannedParameters(modelSteps(cifar100()).student);
  ok(counted !== undefined && Math.abs(counted - 21.04e6) < 0.005e6, String(counted));
});

Deno.test("a step on a dataset that fixes no image shape gets no count", async () => {
  const graph = pipeline("text", ({ dataset, train }) => {
    const d = dataset(syntheticText());
    train("lm", { data: d, model: lstm(), loss: crossEntropy(), epochs: 1 });
  }).declare();
  const [step] = validateGraph(graph).order;
  equal(await plannedParameters(step), undefined);
});

const hostileFile = join(ROOT, "tests/fixtures/pipelines/hostile/count_time.ts");
const hostileStep = (overrides: Record<string, string>) =>
  validateGraph(hostileCount.declare(overrides, hostileFile)).order[0];

Deno.test("a model from outside the project's plugins/ is counted in a sandbox", async () => {
  // hostileMlp counts as an mlp of 32 hidden units on 4×4 images of 3 classes.
  const mlp32 = asPlugin(mlp.plugin).parameterCount!({ hidden: 32, layers: 1 }, image(3, 4));
  equal(await plannedParameters(hostileStep({})), mlp32);
});

Deno.test("a sandboxed model that reads outside its folder fails naming the step and the model", async () => {
  const step = hostileStep({ attempt: "read", target: "/etc/hostname" });
  await rejects(plannedParameters(step), (e) => {
    ok(e instanceof PipelineError, String(e));
    equal(e.step, "solo");
    equal(e.file, join(ROOT, "tests/fixtures/pipelines/hostile/model.ts"));
    ok(e.message.includes('read "/etc/hostname"'), e.message);
    ok(
      e.message.includes('while counting the parameters of model "hostileMlp" of step "solo"'),
      e.message,
    );
    return true;
  });
});
