import { deepEqual as assertEquals, ok as assert } from "node:assert/strict";
import { appendFileSync, cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "../../../lib/dsl/pipeline.ts";
import { validateGraph, type ValidGraph } from "../../../lib/graph/validate.ts";
import { isPlumbing, PLUMBING, STEP_ROOTS } from "../../../lib/key/code_scope.ts";
import { diffRecords, type KeyedStep, keyGraph } from "../../../lib/key/step_key.ts";
import { PROJECT_ROOT } from "../../../lib/util/project_root.ts";
import { toFileUrl } from "../../../lib/util/path.ts";
import { syntheticImages } from "../../../datasets/synthetic_images.ts";
import { mlp } from "../../../plugins/models/mlp.ts";
import { crossEntropy, kd } from "../../../plugins/losses/mod.ts";

const fp = () => Promise.resolve("data-fingerprint");

function chain(): ValidGraph {
  return validateGraph(
    pipeline("scope", ({ dataset, train, ensemble }) => {
      const data = dataset(syntheticImages());
      const recipe = { model: mlp(), epochs: 2 };
      const teacher = train("teacher", { ...recipe, data, loss: crossEntropy() });
      const gen1 = train("gen1", { ...recipe, data, loss: kd(), teacher });
      ensemble("bane", { members: [teacher, gen1], data });
    }).declare(),
  );
}

/** The numerical code every train step fingerprints, whatever its plugins. */
const TRAIN_ENGINE = [
  "lib/train/batch_tensors.ts",
  "lib/train/checkpoint.ts",
  "lib/train/evaluate.ts",
  "lib/train/loop.ts",
  "lib/train/recipe.ts",
  "lib/train/sgd.ts",
  "lib/train/student.ts",
  "lib/train/transfer.ts",
  "lib/train/weights_io.ts",
  "lib/util/rng.ts",
];

Deno.test("a train step fingerprints exactly its numerical code, its plugins and its dataset", async () => {
  const keyed = await keyGraph(chain(), fp);
  assertEquals(
    Object.keys(keyed.get("gen1")!.record.code).sort(),
    [
      "datasets/synthetic_images.ts",
      ...TRAIN_ENGINE,
      "plugins/losses/kd.ts",
      "plugins/losses/_teacher_probs.ts",
      "plugins/models/mlp.ts",
    ].sort(),
  );
});

Deno.test("an ensemble step fingerprints exactly its evaluation code and its dataset", async () => {
  const keyed = await keyGraph(chain(), fp);
  assertEquals(Object.keys(keyed.get("bane")!.record.code).sort(), [
    "datasets/synthetic_images.ts",
    "lib/train/batch_tensors.ts",
    "lib/train/ensemble.ts",
    "lib/train/evaluate.ts",
    "lib/train/weights_io.ts",
    "lib/util/rng.ts",
  ]);
});

Deno.test("every numerical root exists and none of them is plumbing", () => {
  for (const roots of Object.values(STEP_ROOTS)) {
    for (const root of roots) {
      assert(existsSync(join(PROJECT_ROOT, root)), `${root} does not exist`);
      assert(!isPlumbing(root), `${root} is listed as plumbing`);
    }
  }
  for (const p of PLUMBING) {
    assert(existsSync(join(PROJECT_ROOT, p)), `plumbing ${p} does not exist`);
  }
});

/**
 * A copy of the project's code in a temporary folder, keyed by the copy's own key module, so
 * files can be edited without touching the checkout.
 */
async function projectCopy() {
  const dir = await Deno.makeTempDir({ prefix: "born-again-scope-" });
  for (const d of ["lib", "plugins", "datasets"]) {
    cpSync(join(PROJECT_ROOT, d), join(dir, d), { recursive: true });
  }
  const url = (p: string) => toFileUrl(join(dir, p)).href;
  const keys = await import(
    url("lib/key/step_key.ts")
  ) as typeof import("../../../lib/key/step_key.ts");
  const code = await import(
    url("lib/key/code_fingerprint.ts")
  ) as typeof import("../../../lib/key/code_fingerprint.ts");
  const graph = chain();
  let edits = 0;
  return {
    dir,
    /** Append a line to `path` in the copy and key the graph again. */
    async keysAfterEditing(path: string): Promise<Map<string, KeyedStep>> {
      appendFileSync(join(dir, path), `\nexport const edit${++edits} = "reworded";\n`);
      code.clearCodeFingerprintCache();
      return await keys.keyGraph(graph, fp);
    },
    keyGraph: () => keys.keyGraph(graph, fp),
  };
}

const keysOf = (m: Map<string, KeyedStep>) =>
  Object.fromEntries([...m].map(([n, k]) => [n, k.key]));

Deno.test("editing plumbing (error texts, events, validation, plugin resolution, the step runner) keeps every key", async () => {
  const copy = await projectCopy();
  try {
    const before = keysOf(await copy.keyGraph());
    for (
      const file of [
        "lib/errors.ts",
        "lib/worker/events.ts",
        "lib/graph/validate.ts",
        "lib/plugin/resolve.ts",
        "lib/plugin/define.ts",
        "lib/worker/train_step.ts",
        "lib/worker/ensemble_step.ts",
        "lib/worker/load_model.ts",
        "lib/util/yield.ts",
      ]
    ) {
      assertEquals(keysOf(await copy.keysAfterEditing(file)), before, `after editing ${file}`);
    }
  } finally {
    await Deno.remove(copy.dir, { recursive: true });
  }
});

Deno.test("editing the loop re-keys every train step and its dependants, and plan names the file", async () => {
  const copy = await projectCopy();
  try {
    const before = await copy.keyGraph();
    const after = await copy.keysAfterEditing("lib/train/loop.ts");
    for (const name of ["teacher", "gen1", "bane"]) {
      assert(after.get(name)!.key !== before.get(name)!.key, `${name} kept its key`);
    }
    assertEquals(diffRecords(before.get("teacher")!.record, after.get("teacher")!.record), [
      "code changed: lib/train/loop.ts",
    ]);
    assertEquals(
      diffRecords(before.get("bane")!.record, after.get("bane")!.record, {
        members: ["teacher", "gen1"],
      }),
      ["input teacher has a new key", "input gen1 has a new key"],
    );
  } finally {
    await Deno.remove(copy.dir, { recursive: true });
  }
});

Deno.test("editing the ensemble's evaluation re-keys the ensemble step only", async () => {
  const copy = await projectCopy();
  try {
    const before = await copy.keyGraph();
    const after = await copy.keysAfterEditing("lib/train/ensemble.ts");
    assertEquals(after.get("teacher")!.key, before.get("teacher")!.key);
    assertEquals(after.get("gen1")!.key, before.get("gen1")!.key);
    assertEquals(diffRecords(before.get("bane")!.record, after.get("bane")!.record), [
      "code changed: lib/train/ensemble.ts",
    ]);
  } finally {
    await Deno.remove(copy.dir, { recursive: true });
  }
});

Deno.test("plan names a new engine version or key schema as the reason a key changed", async () => {
  const { record } = (await keyGraph(chain(), fp)).get("teacher")!;
  assertEquals(diffRecords({ ...record, engine: record.engine - 1 }, record), [
    `engine version changed: ${record.engine - 1} -> ${record.engine}`,
  ]);
  const { engine: _, ...older } = { ...record, schema: 1, params: {} };
  assertEquals(diffRecords(older as typeof record, record), [
    `key schema changed: 1 -> ${record.schema}`,
  ]);
});
