import { equal, match, ok, throws } from "node:assert/strict";
import { pipeline, type Trained } from "../../../lib/dsl/pipeline.ts";
import { PipelineError } from "../../../lib/errors.ts";
import { validateGraph } from "../../../lib/graph/validate.ts";
import { syntheticImages } from "../../../datasets/synthetic_images.ts";
import { mlp } from "../../../plugins/models/mlp.ts";
import { crossEntropy, kd } from "../../../plugins/losses/mod.ts";
import { bagOfWords } from "../../fixtures/plugins/bag_of_words.ts";

function failure(fn: () => unknown): PipelineError {
  try {
    fn();
  } catch (e) {
    ok(e instanceof PipelineError, `expected a PipelineError, got ${e}`);
    return e;
  }
  throw new Error("expected an error");
}

Deno.test("validateGraph orders steps so inputs come first", () => {
  const g = validateGraph(
    pipeline("p", ({ dataset, train, ensemble }) => {
      const data = dataset(syntheticImages());
      const t = train("teacher", { data, model: mlp(), loss: crossEntropy() });
      const g1 = train("gen1", { data, model: mlp(), loss: kd(), teacher: t });
      ensemble("bane", { members: [g1, t], data });
    }).declare({}, "p.ts"),
  );
  equal(g.order.map((s) => s.name).join(","), "teacher,gen1,bane");
});

Deno.test("validateGraph rejects a cycle and names both steps", () => {
  const e = failure(() =>
    validateGraph(
      pipeline("c", ({ dataset, train }) => {
        const data = dataset(syntheticImages());
        const fake = (step: string) =>
          ({ step, domain: "image", kind: "train" }) as Trained<"image">;
        train("a", { data, model: mlp(), loss: kd(), teacher: fake("b") });
        train("b", { data, model: mlp(), loss: kd(), teacher: fake("a") });
      }).declare({}, "c.ts"),
    )
  );
  equal(e.reason, "cycle");
  match(e.message, /a -> b -> a|b -> a -> b/);
  equal(e.file, "c.ts");
});

Deno.test("validateGraph rejects a teacher-needing loss without a teacher, naming step and field", () => {
  const e = failure(() =>
    validateGraph(
      pipeline("t", ({ dataset, train }) => {
        // deno-lint-ignore no-explicit-any
        train("gen1", { data: dataset(syntheticImages()), model: mlp(), loss: kd() } as any);
      }).declare({}, "t.ts"),
    )
  );
  equal(e.reason, "missing-teacher");
  equal(e.step, "gen1");
  equal(e.field, "teacher");
  match(
    e.describe(),
    /^t\.ts, step "gen1", field "teacher": Cannot train "gen1": loss "kd" needs a teacher$/,
  );
});

Deno.test("validateGraph rejects a text model on an image dataset", () => {
  const e = failure(() =>
    validateGraph(
      pipeline("d", ({ dataset, train }) => {
        // deno-lint-ignore no-explicit-any
        train("lm", {
          data: dataset(syntheticImages()),
          model: bagOfWords() as any,
          loss: crossEntropy(),
        });
      }).declare({}, "d.ts"),
    )
  );
  equal(e.reason, "type-mismatch");
  equal(e.field, "model");
  match(e.message, /model "bagOfWords" is a text model but the dataset syntheticImages is image/);
});

Deno.test("validateGraph rejects an unknown upstream step and a bad recipe value", () => {
  const unknown = failure(() =>
    validateGraph(
      pipeline("u", ({ dataset, train }) => {
        const teacher = { step: "ghost", domain: "image", kind: "train" } as Trained<"image">;
        train("gen1", { data: dataset(syntheticImages()), model: mlp(), loss: kd(), teacher });
      }).declare(),
    )
  );
  equal(unknown.reason, "unknown-step");
  const recipe = failure(() =>
    validateGraph(
      pipeline("r", ({ dataset, train }) => {
        train("t", {
          data: dataset(syntheticImages()),
          model: mlp(),
          loss: crossEntropy(),
          epochs: 0,
        });
      }).declare(),
    )
  );
  equal(recipe.field, "epochs");
});

Deno.test("pipeline params: overrides are type-checked and unknown names rejected", () => {
  const def = pipeline("p", ({ param, dataset, train }) => {
    train("t", {
      data: dataset(syntheticImages()),
      model: mlp(),
      loss: crossEntropy(),
      epochs: param("epochs", 3),
    });
  });
  equal(def.declare({ epochs: "5" }).steps[0].params.epochs, 5);
  equal(failure(() => def.declare({ epochs: "five" })).field, "epochs");
  const unknown = failure(() => def.declare({ epoch: 5 }));
  match(unknown.message, /Unknown param "epoch" for pipeline "p": declared are epochs, seeds/);
});

Deno.test("seeds replicate every step with its own seed; replicate 1 keeps the plain names", () => {
  const g = pipeline("s", ({ dataset, train }) => {
    train("t", { data: dataset(syntheticImages()), model: mlp(), loss: crossEntropy() });
  }).declare({ seeds: 3 });
  equal(g.steps.map((s) => s.name).join(","), "t,t#2,t#3");
  equal(new Set(g.steps.map((s) => s.seed)).size, 3);
  const single = pipeline("s", ({ dataset, train }) => {
    train("t", { data: dataset(syntheticImages()), model: mlp(), loss: crossEntropy() });
  }).declare();
  equal(single.steps[0].seed, g.steps[0].seed);
});

Deno.test("plugin factories reject unknown and mistyped params", () => {
  throws(
    () => mlp({ hiden: 3 } as never),
    /Unknown param "hiden" for model plugin "mlp": accepted are hidden, layers/,
  );
  throws(() => mlp({ hidden: "3" } as never), /must be a number/);
  throws(() => mlp({ hidden: -1 }), /hidden must be a positive integer: got -1/);
});
