import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { join } from "node:path";
import { loadPipeline } from "../../../lib/cli/load_pipeline.ts";
import { makePlan } from "../../../lib/plan/plan.ts";
import { configId, listConfigs, setFlags } from "../../../lib/report/configuration.ts";
import { metricsCsv } from "../../../lib/report/metrics_csv.ts";
import { collectReport } from "../../../lib/report/collect_report.ts";
import { writeReport } from "../../../lib/report/write_report.ts";
import { LocalStore } from "../../../lib/store/local_store.ts";
import { ROOT } from "../../helpers/cli.ts";

const CHAIN = join(ROOT, "tests/fixtures/pipelines/chain.ts");

/** The chain fixture planned with `params`; `commit` writes a fake teacher entry with a history. */
async function planned(store: LocalStore, root: string, params: Record<string, number>) {
  const graph = await loadPipeline(CHAIN, params);
  const plan = await makePlan(graph, store, { data: { dataDir: root, verify: false } });
  const commit = (name: string, errors: number[]) => {
    const item = plan.items.find((i) => i.step.name === name)!;
    return store.commit(item.key, async (dir) => {
      const history = errors.map((e, i) => ({ epoch: i + 1, lr: 0.1, testError: e }));
      await Deno.writeTextFile(join(dir, "history.json"), JSON.stringify(history));
      return {
        step: name,
        pipeline: "chain",
        record: item.record,
        result: { testError: errors[errors.length - 1] },
        provenance: {},
      };
    });
  };
  return { plan, commit };
}

Deno.test("configId is a short hash of the params, independent of their order", () => {
  equal(configId({ a: 1, b: "x" }), configId({ b: "x", a: 1 }));
  notEqual(configId({ a: 1 }), configId({ a: 2 }));
  match(configId({}), /^[0-9a-f]{10}$/);
});

Deno.test("setFlags selects a configuration over the defaults, quoted for the shell", () => {
  deepEqual(setFlags({ lr: 0.1, seeds: 2, tag: "a b", t: [1, 2] }, { lr: 0.1, seeds: 1, t: 1 }), [
    "--set seeds=2",
    "--set 'tag=a b'",
    "--set t=1,2",
  ]);
  deepEqual(setFlags({ lr: 0.1 }, { lr: 0.1 }), []);
});

Deno.test("two configurations get two report folders, and the index lists both with their metrics", async () => {
  const root = await Deno.makeTempDir({ prefix: "born-again-configs-" });
  const store = new LocalStore(root);
  await store.init();
  try {
    const one = await planned(store, root, { seeds: 1 });
    await one.commit("teacher", [40, 30]);
    const a = await writeReport(one.plan, store);
    const two = await planned(store, root, { seeds: 1, lr: 0.2 });
    await two.commit("teacher", [50, 45]);
    const b = await writeReport(two.plan, store);

    notEqual(a.dir, b.dir);
    // The first report is still there, with its own numbers.
    match(await Deno.readTextFile(a.markdown), /\| teacher \|.*\| 30\.00 \|/);
    match(await Deno.readTextFile(b.markdown), /\| teacher \|.*\| 45\.00 \|/);
    equal(b.index.html, join(root, "reports", "chain", "index.html"));

    const records = await listConfigs(store, "chain");
    deepEqual(records.map((r) => r.id).sort(), [a.id, b.id].sort());
    const rb = records.find((r) => r.id === b.id)!;
    deepEqual(rb.headline.find((h) => h.step === "teacher")?.mean, 45);
    deepEqual(rb.steps, { done: 1, total: b.data.steps.length });

    const md = await Deno.readTextFile(b.index.markdown);
    match(md, new RegExp(`\\[${a.id}\\]\\(${a.id}/report\\.md\\) \\|.*\\| 30\\.00 \\|`));
    match(
      md,
      new RegExp(`\\[${b.id}\\]\\(${b.id}/report\\.md\\) \\| --set lr=0\\.2 \\|.*\\| 45\\.00 \\|`),
    );
    // Newest first: how to put the two side by side.
    ok(md.includes(`--compare ${b.id} --compare ${a.id}`), md);
    const html = await Deno.readTextFile(b.index.html);
    ok(html.includes(`href="${a.id}/report.html"`), html);
    ok(html.includes(`href="${b.id}/report.html"`), html);

    // A report written elsewhere links back to the cache's reports of the other configurations.
    const out = join(root, "elsewhere");
    const c = await writeReport(one.plan, store, { root: out });
    const elsewhere = await Deno.readTextFile(c.index.markdown);
    ok(elsewhere.includes(`(../../../reports/chain/${b.id}/report.md)`), elsewhere);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("metrics.csv has one row per step × seed × epoch with every recorded metric", async () => {
  const root = await Deno.makeTempDir({ prefix: "born-again-csv-" });
  const store = new LocalStore(root);
  await store.init();
  try {
    const { plan, commit } = await planned(store, root, { seeds: 2 });
    await commit("teacher", [40, 30]);
    await commit("teacher#2", [41, 31, 21]);
    const data = await collectReport(plan, store);
    const lines = metricsCsv(data).trimEnd().split("\n").map((l) => l.split(","));
    deepEqual(lines[0], ["step", "replicate", "seed", "key", "epoch", "lr", "testError"]);
    deepEqual(lines.slice(1).map((l) => [l[0], l[1], l[4], l[6]]), [
      ["teacher", "1", "1", "40"],
      ["teacher", "1", "2", "30"],
      ["teacher", "2", "1", "41"],
      ["teacher", "2", "2", "31"],
      ["teacher", "2", "3", "21"],
    ]);
    const t2 = data.steps.find((s) => s.name === "teacher#2")!;
    deepEqual(lines[3].slice(2, 4), [String(t2.seed), t2.key]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
