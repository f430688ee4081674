import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { ReportData, ReportStep } from "../../../lib/report/collect_report.ts";
import { compareTable } from "../../../lib/sweep/compare_table.ts";
import {
  compareCells,
  compareCsv,
  compareHtml,
  compareMarkdown,
} from "../../../lib/sweep/render_compare.ts";
import type { Sweep, SweptStep } from "../../../lib/sweep/sweep.ts";
import { writeCompare } from "../../../lib/sweep/write_compare.ts";

/** Two configurations over `tag`, two seeds; the teacher is shared, gen1 split; one gen1 missing. */
function fixture(): { sweep: Sweep; data: ReportData; errors: Record<string, number> } {
  const errors: Record<string, number> = {
    teacher: 30 + Math.random(),
    "teacher#2": 32 + Math.random(),
    "gen1[tag=x]": 28 + Math.random(),
    "gen1[tag=x]#2": 29 + Math.random(),
    'gen1[tag="a,b"]': 35 + Math.random(),
  };
  const step = (name: string, origin: string, replicate: number, configurations: number[]) =>
    ({
      name,
      origin,
      originBase: origin.replace(/#\d+$/, ""),
      replicate,
      kind: "train",
      key: `k-${name}`,
      configurations,
    }) satisfies SweptStep;
  const steps = [
    step("teacher", "teacher", 1, [1, 2]),
    step("teacher#2", "teacher#2", 2, [1, 2]),
    step("gen1[tag=x]", "gen1", 1, [1]),
    step("gen1[tag=x]#2", "gen1#2", 2, [1]),
    step('gen1[tag="a,b"]', "gen1", 1, [2]),
    step('gen1[tag="a,b"]#2', "gen1#2", 2, [2]),
  ];
  const sweep: Sweep = {
    varied: ["tag"],
    configurations: [
      { index: 1, varied: { tag: "x" }, overrides: { tag: "x" } },
      { index: 2, varied: { tag: "a,b" }, overrides: { tag: "a,b" } },
    ],
    steps,
  };
  const data: ReportData = {
    pipeline: "p",
    file: "p.ts",
    params: {},
    generatedAt: "",
    steps: steps.map((s) =>
      ({
        name: s.name,
        baseName: s.name.replace(/#\d+$/, ""),
        replicate: s.replicate,
        kind: "train",
        domain: "image",
        key: s.key,
        seed: 1,
        dataset: "d",
        ...(s.name in errors
          ? { status: "done", result: { testError: errors[s.name] } }
          : { status: "missing" }),
      }) as ReportStep
    ),
  };
  return { sweep, data, errors };
}

function meanSd(v: number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))];
}

Deno.test("rows are configurations; each step's cell is mean ± sd over that configuration's seeds", () => {
  const { sweep, data, errors } = fixture();
  const t = compareTable(sweep, data);
  deepEqual(t.columns.map((c) => [c.step, c.metric]), [["teacher", "testError"], [
    "gen1",
    "testError",
  ]]);
  const [tm, ts] = meanSd([errors.teacher, errors["teacher#2"]]);
  const [gm, gs] = meanSd([errors["gen1[tag=x]"], errors["gen1[tag=x]#2"]]);
  for (const row of t.rows) {
    ok(Math.abs(row.cells[0].stats!.mean - tm) < 1e-12);
    ok(Math.abs(row.cells[0].stats!.sd! - ts) < 1e-12);
  }
  ok(Math.abs(t.rows[0].cells[1].stats!.mean - gm) < 1e-12);
  ok(Math.abs(t.rows[0].cells[1].stats!.sd! - gs) < 1e-12);
  // One of configuration 2's gen1 replicates is missing: its cell says so.
  deepEqual([t.rows[1].cells[1].done, t.rows[1].cells[1].declared], [1, 2]);

  const md = compareMarkdown(t);
  match(
    md,
    new RegExp(`\\| 1 \\| x \\| ${tm.toFixed(2)} ± ${ts.toFixed(2)} \\| ${gm.toFixed(2)} ± `),
  );
  match(md, /\| 2 \| 'a,b' \| .* \| \d+\.\d\d \(1\/2 seeds\) \|/);
  match(compareHtml(t, "p <sweep>"), /<title>p &lt;sweep&gt;<\/title>/);
});

Deno.test("the CSV holds unformatted numbers per configuration, quoting values with commas", () => {
  const { sweep, data, errors } = fixture();
  const lines = compareCsv(compareTable(sweep, data)).trimEnd().split("\n");
  equal(
    lines[0],
    "configuration,tag,teacher_testError_mean,teacher_testError_sd,teacher_n,gen1_testError_mean,gen1_testError_sd,gen1_n",
  );
  const [tm, ts] = meanSd([errors.teacher, errors["teacher#2"]]);
  equal(lines[2], `2,"a,b",${tm},${ts},2,${errors['gen1[tag="a,b"]']},,1`);
  equal(lines.length, 3);
});

Deno.test("writeCompare writes Markdown, HTML and CSV into the report's folder", async () => {
  const { sweep, data } = fixture();
  const dir = await Deno.makeTempDir({ prefix: "born-again-compare-" });
  const w = await writeCompare(`${dir}/sub`, sweep, data);
  equal(await Deno.readTextFile(w.csv), compareCsv(w.table));
  ok((await Deno.readTextFile(w.markdown)).includes(compareMarkdown(w.table)));
  match(await Deno.readTextFile(w.html), /^<!doctype html>/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("columns follow the declaration order of the configuration with the most steps", () => {
  // Configuration 2 declares one generation more, so its gen2 comes before the ensemble.
  const step = (name: string, configurations: number[]): SweptStep => ({
    name,
    origin: name.replace(/\[.*$/, ""),
    originBase: name.replace(/\[.*$/, ""),
    replicate: 1,
    kind: "train",
    key: `k-${name}`,
    configurations,
  });
  const sweep: Sweep = {
    varied: ["generations"],
    configurations: [
      { index: 1, varied: { generations: 1 }, overrides: { generations: 1 } },
      { index: 2, varied: { generations: 2 }, overrides: { generations: 2 } },
    ],
    steps: [
      step("teacher", [1, 2]),
      step("gen1", [1, 2]),
      step("bane[generations=1]", [1]),
      step("gen2", [2]),
      step("bane[generations=2]", [2]),
    ],
  };
  const data: ReportData = { pipeline: "p", file: "p.ts", params: {}, generatedAt: "", steps: [] };
  const t = compareTable(sweep, data);
  deepEqual(t.columns.map((c) => c.step), ["teacher", "gen1", "gen2", "bane"]);
  // Configuration 1 declares no gen2: its cell is empty, not missing.
  deepEqual(compareCells(t).rows[0].slice(2), ["missing", "missing", "", "missing"]);
});
