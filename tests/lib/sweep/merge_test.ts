import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { loadPipeline } from "../../../lib/cli/load_pipeline.ts";
import type { Json } from "../../../lib/plugin/descriptor.ts";
import { makePlan } from "../../../lib/plan/plan.ts";
import { LocalStore } from "../../../lib/store/local_store.ts";
import { expandSweep } from "../../../lib/sweep/expand.ts";
import { loadSweep } from "../../../lib/sweep/load_sweep.ts";
import { mergeConfigurations } from "../../../lib/sweep/merge.ts";
import { forcedSteps, sweepCounts, type SweptGraph } from "../../../lib/sweep/sweep.ts";
import { ROOT } from "../../helpers/cli.ts";

const CHAIN = join(ROOT, "tests/fixtures/pipelines/chain.ts");
const data = { dataDir: "/nonexistent", verify: false };

/** The chain fixture swept over `overrides`; also each configuration planned on its own. */
async function sweep(overrides: Record<string, Json>) {
  const expansion = expandSweep(overrides);
  const graph = await loadSweep(expansion, (ov) => loadPipeline(CHAIN, ov), data);
  const store = new LocalStore(await Deno.makeTempDir({ prefix: "born-again-sweep-" }));
  const alone = await Promise.all(
    expansion.configurations.map(async (c) =>
      (await makePlan(await loadPipeline(CHAIN, c.overrides), store, { data })).items
    ),
  );
  await Deno.remove(store.root, { recursive: true });
  return { graph, alone };
}

/** Every configuration's steps, planned alone, are in the merged graph under one key each. */
function checkAgainstAlone(graph: SweptGraph, alone: Awaited<ReturnType<typeof sweep>>["alone"]) {
  const keys = graph.sweep.steps.map((s) => s.key);
  equal(new Set(keys).size, keys.length, "each key once");
  alone.forEach((items, i) => {
    const mine = graph.sweep.steps.filter((s) => s.configurations.includes(i + 1));
    deepEqual(
      mine.map((s) => [s.origin, s.key]).sort(),
      items.map((it) => [it.step.name, it.key]).sort(),
      `configuration ${i + 1}`,
    );
  });
}

Deno.test("a sweep over a student's param shares the teacher and its first student, keyed as when planned alone", async () => {
  const { graph, alone } = await sweep({ gen2Epochs: ["1", "2"] });
  checkAgainstAlone(graph, alone);
  deepEqual(graph.steps.map((s) => s.name), [
    "teacher",
    "gen1",
    "gen2[gen2Epochs=1]",
    "bane[gen2Epochs=1]",
    "gen2[gen2Epochs=2]",
    "bane[gen2Epochs=2]",
  ]);
  const at = (n: string) => graph.sweep.steps.find((s) => s.name === n)!;
  deepEqual(at("teacher").configurations, [1, 2]);
  deepEqual(at("gen2[gen2Epochs=2]").configurations, [2]);
  // Inputs point at the merged names; the plan of the merged graph keys it the same.
  deepEqual(graph.steps.find((s) => s.name === "bane[gen2Epochs=2]")!.inputs.members, [
    "gen1",
    "gen2[gen2Epochs=2]",
  ]);
  deepEqual(sweepCounts(graph.sweep), {
    configurations: 2,
    steps: 6,
    shared: 2,
    trainingsSaved: 2,
  });
  const store = new LocalStore(await Deno.makeTempDir({ prefix: "born-again-sweep-" }));
  const plan = await makePlan(graph, store, { data });
  deepEqual(plan.items.map((i) => i.key), graph.sweep.steps.map((s) => s.key));
  await Deno.remove(store.root, { recursive: true });
  deepEqual(graph.params.find((p) => p.name === "gen2Epochs")!.value, [1, 2]);
});

Deno.test("two varied params: each split step is labelled by the params that tell its keys apart", async () => {
  const { graph, alone } = await sweep({ lr: ["0.05", "0.1"], gen2Epochs: ["1", "2"] });
  checkAgainstAlone(graph, alone);
  const names = graph.steps.map((s) => s.name);
  for (const lr of ["0.05", "0.1"]) {
    ok(names.includes(`teacher[lr=${lr}]`), names.join(" "));
    ok(names.includes(`gen1[lr=${lr}]`), names.join(" "));
    for (const e of ["1", "2"]) ok(names.includes(`gen2[lr=${lr},gen2Epochs=${e}]`));
  }
  equal(names.length, 12);
  deepEqual(sweepCounts(graph.sweep), {
    configurations: 4,
    steps: 12,
    shared: 4,
    trainingsSaved: 4,
  });
  const teacher = graph.steps.find((s) => s.name === "teacher[lr=0.1]")!;
  equal(teacher.baseName, "teacher[lr=0.1]");
  deepEqual(forcedSteps(graph, ["teacher"]), ["teacher[lr=0.05]", "teacher[lr=0.1]"]);
  deepEqual(forcedSteps(graph, ["gen1[lr=0.1]"]), ["gen1[lr=0.1]"]);
});

Deno.test("seeds replicate the chain inside every configuration, and a swept seeds shares the first replicates", async () => {
  const within = await sweep({ seeds: "2", gen2Epochs: ["1", "2"] });
  checkAgainstAlone(within.graph, within.alone);
  const g = within.graph.steps.find((s) => s.name === "gen2[gen2Epochs=1]#2")!;
  equal(g.baseName, "gen2[gen2Epochs=1]");
  equal(g.replicate, 2);
  deepEqual(g.inputs.teacher, ["gen1#2"]);
  equal(within.graph.steps.length, 12);

  const seeds = await sweep({ seeds: ["1", "2"] });
  checkAgainstAlone(seeds.graph, seeds.alone);
  deepEqual(seeds.graph.steps.map((s) => s.name), [
    "teacher",
    "gen1",
    "gen2",
    "bane",
    "teacher#2",
    "gen1#2",
    "gen2#2",
    "bane#2",
  ]);
  deepEqual(seeds.graph.sweep.steps.find((s) => s.name === "gen1")!.configurations, [1, 2]);
  deepEqual(seeds.graph.sweep.steps.find((s) => s.name === "gen1#2")!.configurations, [2]);
});

Deno.test("keys that no single param tells apart are labelled by their configurations", async () => {
  const expansion = expandSweep({ a: [1, 2], b: [1, 2] });
  const graph = await loadPipeline(CHAIN, {});
  // The teacher's key follows a XOR b: no param is constant within either group.
  const configs = expansion.configurations.map((configuration) => {
    const { a, b } = configuration.varied as { a: number; b: number };
    const keyed = new Map(graph.order.map((step) => [step.name, {
      step,
      key: step.name === "teacher" ? `t${a === b}` : `${step.name}-${configuration.index}`,
      // deno-lint-ignore no-explicit-any
      record: {} as any,
    }]));
    return { configuration, graph, keyed };
  });
  const merged = mergeConfigurations(expansion, configs);
  const teachers = merged.sweep.steps.filter((s) => s.origin === "teacher");
  deepEqual(teachers.map((s) => [s.name, s.configurations]), [
    ["teacher[c1,c4]", [1, 4]],
    ["teacher[c2,c3]", [2, 3]],
  ]);
  deepEqual(
    merged.steps.find((s) => s.name === "gen1[a=1,b=2]")!.inputs.teacher,
    ["teacher[c2,c3]"],
  );
});
