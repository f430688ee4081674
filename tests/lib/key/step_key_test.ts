import {
  deepEqual as assertEquals,
  notDeepEqual as assertNotEquals,
  ok as assert,
} from "node:assert/strict";
import { join } from "node:path";
import { pipeline } from "../../../lib/dsl/pipeline.ts";
import { validateGraph } from "../../../lib/graph/validate.ts";
import { clearCodeFingerprintCache, codeFingerprint } from "../../../lib/key/code_fingerprint.ts";
import { diffRecords, keyGraph } from "../../../lib/key/step_key.ts";
import { defineModel } from "../../../lib/plugin/define.ts";
import type { ModelDescriptor } from "../../../lib/plugin/descriptor.ts";
import { syntheticImages } from "../../../datasets/synthetic_images.ts";
import { mlp } from "../../../plugins/models/mlp.ts";
import { crossEntropy, kd } from "../../../plugins/losses/mod.ts";
import { toFileUrl } from "../../../lib/util/path.ts";

const fp = () => Promise.resolve("data-fingerprint");

function chain(hidden = 8, gen1Epochs = 2, model?: ModelDescriptor<"image">) {
  return pipeline("k", ({ dataset, train }) => {
    const data = dataset(syntheticImages());
    const teacher = train("teacher", {
      data,
      model: model ?? mlp({ hidden }),
      loss: crossEntropy(),
      epochs: 2,
    });
    const gen1 = train("gen1", { data, model: mlp(), loss: kd(), teacher, epochs: gen1Epochs });
    train("gen2", { data, model: mlp(), loss: kd(), teacher: gen1, epochs: 2 });
  }).declare();
}

async function keys(graph = chain()) {
  const keyed = await keyGraph(validateGraph(graph), fp);
  return Object.fromEntries([...keyed].map(([n, k]) => [n, k.key]));
}

Deno.test("keys are stable across declarations and 64 hex characters", async () => {
  const a = await keys(), b = await keys();
  assertEquals(a, b);
  for (const k of Object.values(a)) assert(/^[0-9a-f]{64}$/.test(k));
});

Deno.test("a param change re-keys that step and everything downstream, nothing upstream", async () => {
  const before = await keys();
  const after = await keys(chain(8, 3));
  assertEquals(after.teacher, before.teacher);
  assertNotEquals(after.gen1, before.gen1);
  assertNotEquals(after.gen2, before.gen2);
});

Deno.test("generations get different seeds and therefore different keys", async () => {
  const keyed = await keyGraph(validateGraph(chain()), fp);
  assertNotEquals(keyed.get("gen1")!.record.seed, keyed.get("gen2")!.record.seed);
});

Deno.test("a code change in a plugin module changes its key, and diffRecords names the file", async () => {
  const dir = await Deno.makeTempDir();
  const libUrl = toFileUrl(join(Deno.cwd(), "lib/plugin/define.ts")).href;
  const helper = join(dir, "helper.ts");
  const plugin = join(dir, "tiny.ts");
  await Deno.writeTextFile(helper, "export const width = 4;\n");
  await Deno.writeTextFile(
    plugin,
    `import { defineModel } from "${libUrl}";\nimport { width } from "./helper.ts";\nexport const tiny = defineModel(import.meta.url, "tiny", { domain: "image", defaults: {}, build() { throw new Error(String(width)); } });\n`,
  );
  const mod = await import(toFileUrl(plugin).href) as { tiny: ReturnType<typeof defineModel> };
  const desc = mod.tiny() as ModelDescriptor<"image">;
  clearCodeFingerprintCache();
  const keyed1 = await keyGraph(validateGraph(chain(8, 2, desc)), fp);
  // Edit a module the plugin imports (transitively): the key must change.
  await Deno.writeTextFile(helper, "export const width = 5;\n");
  clearCodeFingerprintCache();
  const keyed2 = await keyGraph(validateGraph(chain(8, 2, desc)), fp);
  assertNotEquals(keyed2.get("teacher")!.key, keyed1.get("teacher")!.key);
  assertNotEquals(keyed2.get("gen1")!.key, keyed1.get("gen1")!.key);
  const why = diffRecords(keyed1.get("teacher")!.record, keyed2.get("teacher")!.record);
  assert(why.some((w) => w.includes("code changed") && w.includes("helper.ts")), why.join("; "));
  assert(Object.keys(codeFingerprint(plugin)).some((f) => f.endsWith("helper.ts")));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the dataset fingerprint is part of the key", async () => {
  const g = validateGraph(chain());
  const a = await keyGraph(g, () => Promise.resolve("one"));
  const b = await keyGraph(g, () => Promise.resolve("two"));
  assertNotEquals(a.get("teacher")!.key, b.get("teacher")!.key);
  assertEquals(diffRecords(a.get("teacher")!.record, b.get("teacher")!.record), [
    "dataset content changed",
  ]);
});

Deno.test("diffRecords explains a param change and a changed input by name", async () => {
  const a = await keyGraph(validateGraph(chain()), fp);
  const b = await keyGraph(validateGraph(chain(16)), fp);
  assertEquals(diffRecords(a.get("teacher")!.record, b.get("teacher")!.record), [
    "plugins.model.params.hidden: 8 -> 16",
  ]);
  assertEquals(
    diffRecords(a.get("gen1")!.record, b.get("gen1")!.record, { teacher: ["teacher"] }),
    [
      "input teacher has a new key",
    ],
  );
});
