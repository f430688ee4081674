import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { type Builders, pipeline, SEEDS_PARAM, type Trained } from "../../../lib/dsl/pipeline.ts";
import { deriveSeed } from "../../../lib/dsl/seed.ts";
import { PipelineError } from "../../../lib/errors.ts";
import type { Json } from "../../../lib/plugin/descriptor.ts";
import type { Graph, StepSpec } from "../../../lib/spec/step.ts";
import { CIFAR_RECIPE, PTB_RECIPE } from "../../../lib/train/recipe.ts";
import { syntheticImages } from "../../../datasets/synthetic_images.ts";
import { mlp } from "../../../plugins/models/mlp.ts";
import { crossEntropy, kd } from "../../../plugins/losses/mod.ts";

/** teacher → gen1 → gen2, and their ensemble: the shape of pipelines/smoke.ts. */
const chain = pipeline("chain", ({ param, dataset, train, ensemble }) => {
  const data = dataset(syntheticImages({ classes: 3 }));
  const epochs = param("epochs", 2, "epochs per generation");
  const teacher = train("teacher", { data, model: mlp(), loss: crossEntropy(), epochs });
  const gen1 = train("gen1", { data, model: mlp(), loss: kd(), teacher, epochs });
  const gen2 = train("gen2", { data, model: mlp(), loss: kd(), teacher: gen1, epochs });
  ensemble("bane", { members: [gen1, gen2], data });
});

/** A pipeline whose body is `body`, declared with `overrides` from file `p.ts`. */
function declare(body: (b: Builders) => void, overrides: Record<string, Json> = {}): Graph {
  return pipeline("p", body).declare(overrides, "p.ts");
}

function step(graph: Graph, name: string): StepSpec {
  const s = graph.steps.find((s) => s.name === name);
  ok(s, `no step "${name}" in ${graph.steps.map((s) => s.name).join(", ")}`);
  return s;
}

/** One train step on synthetic images with the given extra options. */
function oneTrain(options: Record<string, unknown>, name = "t"): (b: Builders) => void {
  return ({ dataset, train }) => {
    const data = dataset(syntheticImages());
    // deno-lint-ignore no-explicit-any
    train(name, { data, model: mlp(), loss: crossEntropy(), ...options } as any);
  };
}

Deno.test("declare records a plain graph: params, then steps with kinds, descriptors and inputs", () => {
  const data = syntheticImages({ classes: 3 });
  const graph = chain.declare({}, "pipelines/chain.ts");
  // The sandbox posts the graph as JSON; it must survive that whole.
  deepEqual(JSON.parse(JSON.stringify(graph)), {
    pipeline: "chain",
    file: "pipelines/chain.ts",
    params: [
      { name: "seeds", default: 1, value: 1, doc: "number of seed replicates of every step" },
      { name: "epochs", default: 2, value: 2, doc: "epochs per generation" },
    ],
    steps: [
      {
        name: "teacher",
        baseName: "teacher",
        replicate: 1,
        kind: "train",
        domain: "image",
        seed: deriveSeed("teacher", 1),
        dataset: data,
        model: mlp(),
        loss: crossEntropy(),
        params: { epochs: 2 },
        inputs: {},
      },
      {
        name: "gen1",
        baseName: "gen1",
        replicate: 1,
        kind: "train",
        domain: "image",
        seed: deriveSeed("gen1", 1),
        dataset: data,
        model: mlp(),
        loss: kd(),
        params: { epochs: 2 },
        inputs: { teacher: ["teacher"] },
      },
      {
        name: "gen2",
        baseName: "gen2",
        replicate: 1,
        kind: "train",
        domain: "image",
        seed: deriveSeed("gen2", 1),
        dataset: data,
        model: mlp(),
        loss: kd(),
        params: { epochs: 2 },
        inputs: { teacher: ["gen1"] },
      },
      {
        name: "bane",
        baseName: "bane",
        replicate: 1,
        kind: "ensemble",
        domain: "image",
        seed: deriveSeed("bane", 1),
        dataset: data,
        params: {},
        inputs: { members: ["gen1", "gen2"] },
      },
    ],
  });
});

Deno.test("declare names the file after the pipeline when none is given, and is repeatable", () => {
  equal(chain.name, "chain");
  equal(chain.declare().file, "chain");
  deepEqual(chain.declare(), chain.declare());
});

Deno.test("builders return handles naming the step, its domain and kind", () => {
  const handles: unknown[] = [];
  declare(({ dataset, train, ensemble }) => {
    const data = dataset(syntheticImages());
    deepEqual(data, { descriptor: syntheticImages(), domain: "image" });
    const t = train("teacher", { data, model: mlp(), loss: crossEntropy() });
    handles.push(t, ensemble("bane", { members: [t], data }));
  }, { seeds: 2 });
  deepEqual(handles, [
    { step: "teacher", domain: "image", kind: "train" },
    { step: "bane", domain: "image", kind: "ensemble" },
    { step: "teacher#2", domain: "image", kind: "train" },
    { step: "bane#2", domain: "image", kind: "ensemble" },
  ]);
});

Deno.test("train records one teacher or several, in order, and no teacher input without one", () => {
  const g = declare(({ dataset, train }) => {
    const data = dataset(syntheticImages());
    const a = train("a", { data, model: mlp(), loss: crossEntropy() });
    const b = train("b", { data, model: mlp(), loss: crossEntropy() });
    train("one", { data, model: mlp(), loss: kd(), teacher: b });
    train("many", { data, model: mlp(), loss: kd(), teacher: [b, a] });
  });
  deepEqual(step(g, "a").inputs, {});
  ok(!("teacher" in step(g, "a").inputs), "a step without a teacher has no teacher input");
  deepEqual(step(g, "one").inputs, { teacher: ["b"] });
  deepEqual(step(g, "many").inputs, { teacher: ["b", "a"] });
});

Deno.test("train records a transfer by step name, frozen unless freeze is false", () => {
  const g = declare(({ dataset, train }) => {
    const data = dataset(syntheticImages());
    const from = train("teacher", { data, model: mlp(), loss: crossEntropy() });
    const m = { data, model: mlp(), loss: kd(), teacher: from };
    train("frozen", { ...m, transfer: { from, layers: ["hidden1", "fc"] } });
    train("free", { ...m, transfer: { from, layers: ["fc"], freeze: false } });
  });
  deepEqual(step(g, "frozen").inputs, {
    teacher: ["teacher"],
    transfer: { from: "teacher", layers: ["hidden1", "fc"], freeze: true },
  });
  deepEqual(step(g, "free").inputs.transfer, { from: "teacher", layers: ["fc"], freeze: false });
  // Neither the transfer nor the teacher is a recipe param.
  deepEqual(step(g, "frozen").params, {});
});

Deno.test("train records exactly the recipe fields given; defaults are filled in later", () => {
  const g = declare(oneTrain({ epochs: 3, lr: 0.05 }));
  deepEqual(step(g, "t").params, { epochs: 3, lr: 0.05 });
});

Deno.test("train accepts every field of the Recipe type, as given", () => {
  for (const recipe of [CIFAR_RECIPE, PTB_RECIPE]) {
    const g = declare(oneTrain({ ...recipe }));
    deepEqual(step(g, "t").params, { ...recipe });
  }
});

Deno.test("train rejects an unknown option, naming file, step and field and listing those accepted", () => {
  throws(() => declare(oneTrain({ epoch: 3 }, "gen1")), (e) => {
    ok(e instanceof PipelineError);
    equal(e.reason, "invalid-pipeline");
    equal(e.file, "p.ts");
    equal(e.step, "gen1");
    equal(e.field, "epoch");
    match(
      e.describe(),
      /^p\.ts, step "gen1", field "epoch": Unknown train option "epoch" in step "gen1": accepted are data, model, loss, teacher, transfer, seed, epochs, /,
    );
    // The accepted recipe fields are the Recipe type's, all of them.
    const accepted = e.message.split("accepted are ")[1].split(", ");
    deepEqual(accepted, [
      ...["data", "model", "loss", "teacher", "transfer", "seed"],
      ...Object.keys(CIFAR_RECIPE),
    ]);
    return true;
  });
  // Step fields that are not train options are rejected too.
  for (const key of ["name", "members", "kind", "params"]) {
    throws(() => declare(oneTrain({ [key]: 1 })), { name: "PipelineError", field: key });
  }
});

Deno.test("train derives its seed from the base name and replicate, or takes the one given", () => {
  const g = declare(({ dataset, train }) => {
    const data = dataset(syntheticImages());
    train("derived", { data, model: mlp(), loss: crossEntropy() });
    train("fixed", { data, model: mlp(), loss: crossEntropy(), seed: 7 });
  }, { seeds: 3 });
  for (const r of [1, 2, 3]) {
    const suffix = r === 1 ? "" : `#${r}`;
    equal(step(g, `derived${suffix}`).seed, deriveSeed("derived", r));
    equal(step(g, `fixed${suffix}`).seed, 7);
    ok(!("seed" in step(g, `fixed${suffix}`).params), "seed is not a recipe param");
  }
});

Deno.test("a step's seed depends only on its base name and replicate", () => {
  const alone = declare(oneTrain({}, "gen1"));
  const other = pipeline("other", ({ dataset, train, ensemble }) => {
    const data = dataset(syntheticImages({ classes: 7 }));
    const t = train("teacher", { data, model: mlp({ hidden: 4 }), loss: crossEntropy() });
    ensemble("bane", { members: [t], data });
    train("gen1", { data, model: mlp(), loss: kd(), teacher: t, lr: 0.01 });
  }).declare();
  equal(step(other, "gen1").seed, step(alone, "gen1").seed);
  equal(step(other, "bane").seed, deriveSeed("bane", 1));
});

Deno.test("ensemble records its members in order, the dataset, no model, loss or params", () => {
  const g = declare(({ dataset, train, ensemble }) => {
    const data = dataset(syntheticImages());
    const a = train("a", { data, model: mlp(), loss: crossEntropy() });
    const b = train("b", { data, model: mlp(), loss: crossEntropy() });
    const ab = ensemble("ab", { members: [b, a], data });
    ensemble("all", { members: [ab, a], data });
  });
  const ab = step(g, "ab");
  deepEqual(ab.inputs, { members: ["b", "a"] });
  deepEqual(step(g, "all").inputs, { members: ["ab", "a"] });
  equal(ab.kind, "ensemble");
  deepEqual(ab.dataset, syntheticImages());
  equal(ab.model, undefined);
  equal(ab.loss, undefined);
  deepEqual(ab.params, {});
  equal(ab.seed, deriveSeed("ab", 1));
});

Deno.test("references are recorded as given; unknown steps are left to validation", () => {
  const g = declare(({ dataset, train, ensemble }) => {
    const data = dataset(syntheticImages());
    const ghost = { step: "ghost", domain: "image", kind: "train" } as Trained<"image">;
    train("gen1", { data, model: mlp(), loss: kd(), teacher: ghost });
    ensemble("bane", { members: [ghost], data });
  });
  deepEqual(step(g, "gen1").inputs, { teacher: ["ghost"] });
  deepEqual(step(g, "bane").inputs, { members: ["ghost"] });
});

Deno.test("seeds replicates the whole chain: `name#k`, inputs within the replicate, own seeds", () => {
  const calls: number[] = [];
  const g = pipeline("chain", (b) => {
    calls.push(b.replicate);
    const data = b.dataset(syntheticImages());
    const t = b.train("teacher", { data, model: mlp(), loss: crossEntropy() });
    const g1 = b.train("gen1", { data, model: mlp(), loss: kd(), teacher: t });
    b.ensemble("bane", { members: [g1], data });
  }).declare({ seeds: 3 });
  deepEqual(calls, [1, 2, 3]);
  deepEqual(g.steps.map((s) => s.name), [
    ...["teacher", "gen1", "bane"],
    ...["teacher#2", "gen1#2", "bane#2"],
    ...["teacher#3", "gen1#3", "bane#3"],
  ]);
  for (const r of [2, 3]) {
    const gen1 = step(g, `gen1#${r}`);
    equal(gen1.baseName, "gen1");
    equal(gen1.replicate, r);
    deepEqual(gen1.inputs, { teacher: [`teacher#${r}`] });
    deepEqual(step(g, `bane#${r}`).inputs, { members: [`gen1#${r}`] });
  }
  const seeds = g.steps.map((s) => s.seed);
  equal(new Set(seeds).size, seeds.length, "every step of every replicate has its own seed");
});

Deno.test("more seeds leave the first replicate as it was (a seeds sweep shares it)", () => {
  const one = chain.declare({ seeds: 1 });
  const three = chain.declare({ seeds: "3" });
  deepEqual(three.steps.filter((s) => s.replicate === 1), one.steps);
  deepEqual(three.params.find((p) => p.name === SEEDS_PARAM)?.value, 3);
});

Deno.test("seeds must be a positive integer", () => {
  for (const seeds of [0, -1, 2.5, "0"]) {
    throws(() => chain.declare({ seeds }, "c.ts"), {
      name: "PipelineError",
      reason: "invalid-pipeline",
      file: "c.ts",
      step: undefined,
      field: "seeds",
      message: `Param "seeds" must be a positive integer: got ${Number(seeds)}`,
    });
  }
  throws(() => chain.declare({ seeds: "many" }, "c.ts"), {
    name: "PipelineError",
    reason: "bad-param",
    field: "seeds",
    message: 'Param "seeds" must be a number (default 1): got "many"',
  });
});

Deno.test("step names start with a letter and use letters, digits, _, - and .", () => {
  for (const name of ["a", "gen1", "Gen_2", "ban-resnet.gen3"]) {
    equal(declare(oneTrain({}, name)).steps[0].name, name);
  }
  for (const name of ["", "1gen", "_gen", "-gen", "gen 1", "gen#2", "gen/1", "gén"]) {
    const message = `Step name ${
      JSON.stringify(name)
    } must start with a letter and use only letters, digits, "_", "-" and "."`;
    throws(() => declare(oneTrain({}, name)), {
      name: "PipelineError",
      reason: "invalid-pipeline",
      file: "p.ts",
      step: name,
      field: "name",
      message,
    });
    throws(() =>
      declare(({ dataset, ensemble }) => {
        ensemble(name, { members: [], data: dataset(syntheticImages()) });
      }), { name: "PipelineError", step: name, field: "name", message });
  }
});

Deno.test("a step name declared twice is rejected, whatever the kinds", () => {
  const twice = (second: "train" | "ensemble") =>
    declare(({ dataset, train, ensemble }) => {
      const data = dataset(syntheticImages());
      const t = train("gen1", { data, model: mlp(), loss: crossEntropy() });
      if (second === "train") train("gen1", { data, model: mlp(), loss: kd(), teacher: t });
      else ensemble("gen1", { members: [t], data });
    });
  for (const second of ["train", "ensemble"] as const) {
    throws(() => twice(second), {
      name: "PipelineError",
      reason: "invalid-pipeline",
      file: "p.ts",
      step: "gen1",
      field: "name",
      message: 'Step "gen1" is declared twice',
    });
  }
});

Deno.test("param returns its default, recorded with its doc, and the built-in seeds param", () => {
  const seen: unknown[] = [];
  const g = declare(({ param }) => {
    seen.push(param("lr", 0.1, "initial learning rate"), param("tag", "x"), param("fast", false));
    seen.push(param(SEEDS_PARAM, 1));
  });
  deepEqual(seen, [0.1, "x", false, 1]);
  throws(() => declare(({ param }) => param(SEEDS_PARAM, 5)), {
    field: "seeds",
    message: /built in with default 1 .*--set seeds=N/,
  });
  equal(SEEDS_PARAM, "seeds");
  deepEqual(g.params, [
    { name: "seeds", default: 1, value: 1, doc: "number of seed replicates of every step" },
    { name: "lr", default: 0.1, value: 0.1, doc: "initial learning rate" },
    { name: "tag", default: "x", value: "x", doc: undefined },
    { name: "fast", default: false, value: false, doc: undefined },
  ]);
});

Deno.test("param takes an override of its type, and a string that reads as one", () => {
  const values = (overrides: Record<string, Json>) => {
    const seen: unknown[] = [];
    const g = declare(({ param }) => {
      seen.push(param("lr", 0.1), param("tag", "x"), param("fast", false));
    }, overrides);
    deepEqual(
      g.params.slice(1).map((p) => p.value),
      seen,
      "the value recorded is the one returned",
    );
    return seen;
  };
  deepEqual(values({ lr: 0.05, tag: "y", fast: true }), [0.05, "y", true]);
  // `--set` passes strings: numbers and booleans are read from them; a string param stays a string.
  deepEqual(values({ lr: "0.05", tag: "5", fast: "true" }), [0.05, "5", true]);
  deepEqual(values({ lr: " 1e-3 ", fast: "false" }), [0.001, "x", false]);
});

Deno.test("param rejects an override it cannot read as its type, naming file and param", () => {
  const body = ({ param }: Builders) => {
    param("lr", 0.1);
    param("fast", false);
    param("tag", "x");
  };
  const cases: [string, Json, string][] = [
    ["lr", "abc", 'Param "lr" must be a number (default 0.1): got "abc"'],
    ["lr", "", 'Param "lr" must be a number (default 0.1): got ""'],
    ["lr", "Infinity", 'Param "lr" must be a number (default 0.1): got "Infinity"'],
    ["lr", true, 'Param "lr" must be a number (default 0.1): got true'],
    ["fast", "yes", 'Param "fast" must be a boolean (default false): got "yes"'],
    ["fast", 1, 'Param "fast" must be a boolean (default false): got 1'],
    ["tag", [1, 2], 'Param "tag" must be a string (default "x"): got [1,2]'],
  ];
  for (const [name, value, message] of cases) {
    throws(() => declare(body, { [name]: value }), {
      name: "PipelineError",
      reason: "bad-param",
      file: "p.ts",
      step: undefined,
      field: name,
      message,
    });
  }
});

Deno.test("a param declared again (or in every replicate) keeps its first declaration", () => {
  const seen: unknown[] = [];
  const g = declare(({ param }) => {
    seen.push(param("lr", 0.1, "first"), param("lr", 0.1, "second"));
  }, { seeds: 2, lr: "0.3" });
  deepEqual(seen, [0.3, 0.3, 0.3, 0.3]);
  deepEqual(g.params.filter((p) => p.name === "lr"), [
    { name: "lr", default: 0.1, value: 0.3, doc: "first" },
  ]);
});

Deno.test("a param declared again with another default is rejected, naming it", () => {
  const body = ({ param, replicate }: Builders) => {
    param("lr", 0.1);
    param("lr", 0.1 * replicate);
  };
  deepEqual(declare(body).params.find((p) => p.name === "lr")?.value, 0.1);
  throws(() => declare(body, { seeds: 2 }), {
    name: "PipelineError",
    reason: "invalid-pipeline",
    field: "lr",
    message: /Param "lr" is declared twice with different defaults: 0\.1, then 0\.2/,
  });
});

Deno.test("params named like Object.prototype members take their default and overrides", () => {
  const body = ({ param }: Builders) => {
    param("constructor", 1);
    param("toString", "s");
    param("valueOf", true);
  };
  deepEqual(declare(body).params.slice(1).map((p) => p.value), [1, "s", true]);
  deepEqual(
    declare(body, { constructor: "2", valueOf: "false" }).params.slice(1).map((p) => p.value),
    [2, "s", false],
  );
});

Deno.test("an override of an undeclared param is rejected, listing those declared", () => {
  throws(() => chain.declare({ epoch: 3 }, "c.ts"), {
    name: "PipelineError",
    reason: "invalid-pipeline",
    file: "c.ts",
    step: undefined,
    field: "epoch",
    message: 'Unknown param "epoch" for pipeline "chain": declared are epochs, seeds; ' +
      'did you mean "epochs"?',
  });
  throws(() => chain.declare({ temperature: 2 }), {
    name: "PipelineError",
    field: "temperature",
    message: 'Unknown param "temperature" for pipeline "chain": declared are epochs, seeds',
  });
});

Deno.test("a param declared only in a later replicate is still known", () => {
  const g = declare(({ param, replicate }) => {
    if (replicate === 2) param("late", 1);
  }, { seeds: 2, late: "4" });
  deepEqual(g.params.map((p) => [p.name, p.value]), [["seeds", 2], ["late", 4]]);
});
