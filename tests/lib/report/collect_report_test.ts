import { deepEqual, doesNotMatch, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { loadPipeline } from "../../../lib/cli/load_pipeline.ts";
import { makePlan } from "../../../lib/plan/plan.ts";
import { asRead, collectReport, describePlugin } from "../../../lib/report/collect_report.ts";
import { writeReport } from "../../../lib/report/write_report.ts";
import { configId } from "../../../lib/report/configuration.ts";
import { LocalStore } from "../../../lib/store/local_store.ts";
import { ROOT } from "../../helpers/cli.ts";

/** The chain fixture with two seeds, planned against an empty store; nothing is trained. */
async function setup() {
  const root = await Deno.makeTempDir({ prefix: "born-again-report-" });
  const store = new LocalStore(root);
  await store.init();
  const graph = await loadPipeline(join(ROOT, "tests/fixtures/pipelines/chain.ts"), { seeds: 2 });
  const plan = await makePlan(graph, store, { data: { dataDir: root, verify: false } });
  const keyOf = (name: string) => plan.items.find((i) => i.step.name === name)!.key;
  const commit = (name: string, testError: number) =>
    store.commit(keyOf(name), async (dir) => {
      const history = [{ epoch: 1, trainLoss: 1, testLoss: 1, testError: testError + 1 }, {
        epoch: 2,
        trainLoss: 0.5,
        testLoss: 0.9,
        testError,
      }];
      await Deno.writeTextFile(join(dir, "history.json"), JSON.stringify(history));
      return {
        step: name,
        pipeline: "chain",
        record: plan.items.find((i) => i.step.name === name)!.record,
        result: { parameters: 99, testError, seconds: 1.5 },
        provenance: { executor: "cpu", seconds: 2 },
      };
    });
  return { root, store, plan, keyOf, commit };
}

Deno.test("collectReport reads results and histories from the cache and says why others are missing", async () => {
  const { root, store, plan, keyOf, commit } = await setup();
  await commit("teacher", 20);
  await commit("teacher#2", 22);
  await commit("gen1", 18);
  await Deno.mkdir(store.entryDir(keyOf("gen1#2")), { recursive: true }); // no manifest
  await Deno.mkdir(join(store.workDir(keyOf("gen2")), "checkpoint"), { recursive: true });
  await Deno.writeTextFile(
    join(store.workDir(keyOf("gen2")), "checkpoint", "state.json"),
    JSON.stringify({ epoch: 1, batch: 5 }),
  );

  const data = await collectReport(plan, store);
  equal(data.pipeline, "chain");
  equal(data.params.seeds, 2);
  const by = Object.fromEntries(data.steps.map((s) => [s.name, s]));
  deepEqual(Object.keys(by).sort(), [
    "bane",
    "bane#2",
    "gen1",
    "gen1#2",
    "gen2",
    "gen2#2",
    "teacher",
    "teacher#2",
  ]);
  equal(by.teacher.status, "done");
  deepEqual(by.teacher.result, { parameters: 99, testError: 20, seconds: 1.5 });
  deepEqual(by.teacher.provenance, { executor: "cpu", seconds: 2 });
  equal(by.teacher.history?.length, 2);
  equal(by["teacher#2"].replicate, 2);
  equal(by["teacher#2"].baseName, "teacher");
  equal(by["gen1#2"].status, "corrupt");
  match(by["gen1#2"].note!, /corrupt: entry has no manifest/);
  deepEqual(by["gen1#2"].teacher, ["teacher"]);
  equal(by.gen2.status, "missing");
  equal(by.gen2.note, "checkpoint at epoch 2, batch 5");
  equal(by.bane.status, "missing");
  deepEqual(by.bane.members, ["gen1", "gen2"]);
  equal(by.gen1.key, keyOf("gen1"));
  match(by.gen1.model!, /^mlp\(hidden=8/);
  match(by.gen1.loss!, /^kd\(/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("writeReport writes the configuration's report under <cache>/reports/<pipeline>/<id>", async () => {
  const { root, store, plan, commit } = await setup();
  await commit("teacher", 20);
  const w = await writeReport(plan, store);
  const params = Object.fromEntries(plan.graph.params.map((p) => [p.name, p.value]));
  equal(w.id, configId(params));
  equal(w.dir, join(root, "reports", "chain", w.id));
  deepEqual([...Deno.readDirSync(w.dir)].map((e) => e.name).sort(), [
    "metrics.csv",
    "params.json",
    "report.html",
    "report.md",
  ]);
  deepEqual(JSON.parse(await Deno.readTextFile(w.params)), params);
  match(
    await Deno.readTextFile(w.markdown),
    /\| teacher \| .* \| 20\.00 \| \(teacher\) \| 1 of 2 \|/,
  );
  match(await Deno.readTextFile(w.html), /<svg [^>]*data-metric="testError"/);
  const out = join(root, "elsewhere");
  equal(
    (await writeReport(plan, store, { root: out })).html,
    join(out, "reports", "chain", w.id, "report.html"),
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("the report shows a dataset read with --no-verify as verify=false, whatever it declared", async () => {
  const { cifar10 } = await import("../../../datasets/cifar.ts");
  const declared = cifar10({ validation: 0 });
  equal(describePlugin(asRead(declared, { verify: true })), describePlugin(declared));
  match(describePlugin(declared)!, /verify=true/);
  const read = describePlugin(asRead(declared, { verify: false }))!;
  match(read, /verify=false/);
  doesNotMatch(read, /verify=true/);
  // Datasets without the param are shown as declared.
  const { syntheticImages } = await import("../../../datasets/synthetic_images.ts");
  const synthetic = syntheticImages({});
  equal(describePlugin(asRead(synthetic, { verify: false })), describePlugin(synthetic));
});
