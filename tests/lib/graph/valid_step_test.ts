import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { pipeline } from "../../../lib/dsl/pipeline.ts";
import { validateGraph } from "../../../lib/graph/validate.ts";
import { keyGraph } from "../../../lib/key/step_key.ts";
import { CIFAR_RECIPE, PTB_RECIPE, type Recipe } from "../../../lib/train/recipe.ts";
import { syntheticImages } from "../../../datasets/synthetic_images.ts";
import { syntheticText } from "../../../datasets/synthetic_text.ts";
import { mlp } from "../../../plugins/models/mlp.ts";
import { crossEntropy, kd } from "../../../plugins/losses/mod.ts";
import { bagOfWords } from "../../fixtures/plugins/bag_of_words.ts";

function mixed() {
  return validateGraph(
    pipeline("mixed", ({ dataset, train, ensemble }) => {
      const images = dataset(syntheticImages());
      const teacher = train("teacher", {
        data: images,
        model: mlp(),
        loss: crossEntropy(),
        lr: 0.05,
        epochs: 3,
      });
      train("gen1", { data: images, model: mlp(), loss: kd(), teacher });
      ensemble("bane", { members: [teacher], data: images });
      train("lm", { data: dataset(syntheticText()), model: bagOfWords(), loss: crossEntropy() });
    }).declare({}, "mixed.ts"),
  );
}

const byName = (g: ReturnType<typeof mixed>) => new Map(g.order.map((s) => [s.name, s]));

Deno.test("validation resolves each train step's recipe: the domain's defaults, then the step's values", () => {
  const steps = byName(mixed());
  const teacher = steps.get("teacher")!, lm = steps.get("lm")!;
  ok(teacher.kind === "train" && lm.kind === "train");
  deepEqual(teacher.recipe, { ...CIFAR_RECIPE, lr: 0.05, epochs: 3 });
  deepEqual(lm.recipe, PTB_RECIPE);
  equal(teacher.model.name, "mlp");
  equal(teacher.loss.name, "crossEntropy");
  ok(!("recipe" in steps.get("bane")!));
});

Deno.test("a train step's key hashes the recipe validation resolved", async () => {
  const graph = mixed();
  const keyed = await keyGraph(graph, () => Promise.resolve("data"));
  for (const step of graph.order) {
    if (step.kind === "train") deepEqual(keyed.get(step.name)!.record.params, step.recipe);
  }
});

Deno.test("the DSL accepts every field of the recipe and lists them when one is unknown", () => {
  const declare = (extra: Partial<Recipe> & Record<string, unknown>) =>
    pipeline("p", ({ dataset, train }) => {
      train("t", {
        data: dataset(syntheticImages()),
        model: mlp(),
        loss: crossEntropy(),
        ...extra,
      });
    }).declare({}, "p.ts");
  for (const [field, value] of Object.entries(CIFAR_RECIPE)) {
    const step = validateGraph(declare({ [field]: value })).order[0];
    ok(step.kind === "train");
    deepEqual(step.recipe[field as keyof Recipe], value, field);
  }
  throws(() => declare({ learningRate: 0.1 }), (e: Error) => {
    ok(e.message.endsWith(`seed, ${Object.keys(CIFAR_RECIPE).join(", ")}`), e.message);
    return true;
  });
});
