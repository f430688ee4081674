import { deepEqual, equal, match, ok } from "node:assert/strict";
import { dirname, join } from "node:path";
import { runCli, summary, tempCache } from "../helpers/cli.ts";

const CHAIN = "tests/fixtures/pipelines/chain.ts";
// gen2Epochs is a param of gen2 alone: the teacher and gen1 are the same in both configurations.
const SWEEP = ["--set", "gen2Epochs=1,2", "--set", "seeds=2", "--set", "train=96"];

function meanSd(v: number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))];
}

Deno.test("plan of a sweep lists its configurations, the shared steps and the trainings saved", async () => {
  const cache = await tempCache();
  const text = await runCli(["plan", CHAIN, "--cache-dir", cache, ...SWEEP]);
  equal(text.code, 0, text.stderr);
  match(text.stdout, /sweep: 2 configurations, 12 steps, 4 shared: 4 trainings saved/);
  match(text.stdout, /^1 +1 *$/m);
  match(text.stdout, /^2 +2 *$/m);
  match(text.stdout, /shared: teacher \(all\), gen1 \(all\), teacher#2 \(all\), gen1#2 \(all\)/);
  match(text.stdout, /^gen2\[gen2Epochs=2\]#2 +train +will run/m);

  const json = await runCli(["plan", CHAIN, "--cache-dir", cache, "--json", ...SWEEP]);
  equal(json.code, 0, json.stderr);
  const p = JSON.parse(json.stdout);
  deepEqual(p.configurations, [
    { index: 1, params: { gen2Epochs: "1" } },
    { index: 2, params: { gen2Epochs: "2" } },
  ]);
  deepEqual(p.sweep, {
    varied: ["gen2Epochs"],
    configurations: 2,
    steps: 12,
    shared: 4,
    trainingsSaved: 4,
  });
  deepEqual(p.steps.find((s: { name: string }) => s.name === "teacher").configurations, [1, 2]);
  deepEqual(
    p.steps.find((s: { name: string }) => s.name === "bane[gen2Epochs=1]#2").configurations,
    [1],
  );

  // A list in a --params file is a sweep too; --set still wins for a name both give.
  const yaml = join(cache, "sweep.yaml");
  await Deno.writeTextFile(yaml, "lr: [0.05, 0.1]\nteacherEpochs: [1, 2]\n");
  const file = await runCli([
    "plan",
    CHAIN,
    "--cache-dir",
    cache,
    "--json",
    "--params",
    yaml,
    "--set",
    "teacherEpochs=3",
  ]);
  equal(file.code, 0, file.stderr);
  const f = JSON.parse(file.stdout);
  deepEqual(f.configurations.map((c: { params: unknown }) => c.params), [{ lr: 0.05 }, {
    lr: 0.1,
  }]);
  equal(f.params.teacherEpochs, 3);
  deepEqual(f.steps.map((s: { name: string }) => s.name).slice(0, 2), [
    "teacher[lr=0.05]",
    "gen1[lr=0.05]",
  ]);
  await Deno.remove(cache, { recursive: true });
});

Deno.test("a sweep's run trains the shared teacher once and ends with the comparison table in the terminal, Markdown, HTML and CSV", async () => {
  const cache = await tempCache();
  const run = await runCli([
    "run",
    CHAIN,
    "--cache-dir",
    cache,
    "--executor",
    "cpu",
    "--json",
    ...SWEEP,
  ]);
  equal(run.code, 0, run.stderr);
  const s = summary(run);
  // 2 configurations × 8 steps, of which 4 are shared: 12 steps, each trained once.
  equal(s.steps.length, 12);
  deepEqual((s as unknown as { configurations: unknown }).configurations, [
    { index: 1, params: { gen2Epochs: "1" } },
    { index: 2, params: { gen2Epochs: "2" } },
  ]);
  ok(s.steps.every((x) => x.status === "ran"), JSON.stringify(s.steps));
  equal(s.steps.filter((x) => x.name.startsWith("teacher")).length, 2);
  equal([...Deno.readDirSync(join(cache, "entries"))].length, 12);
  equal((run.stderr.match(/^teacher: started/gm) ?? []).length, 1, run.stderr);

  const compareHtml = run.stderr.match(/^compare: (\S+)$/m)?.[1] ?? "";
  // Beside the configuration's report, in its own folder under the pipeline's reports.
  const dir = dirname(compareHtml);
  equal(dirname(dir), join(cache, "reports", "chain"));
  equal(compareHtml, join(dir, "compare.html"));
  const err = (name: string) => s.steps.find((x) => x.name === name)!.metrics!.testError;
  const csv = (await Deno.readTextFile(join(dir, "compare.csv"))).trimEnd().split("\n")
    .map((l) => l.split(","));
  equal(
    csv[0].slice(0, 5).join(","),
    "configuration,gen2Epochs,teacher_testError_mean,teacher_testError_sd,teacher_n",
  );
  for (const [i, e] of [[1, "1"], [2, "2"]] as const) {
    const row = csv[i];
    equal(row[1], e);
    const cells: [string, string[]][] = [
      ["teacher", ["teacher", "teacher#2"]],
      ["gen1", ["gen1", "gen1#2"]],
      ["gen2", [`gen2[gen2Epochs=${e}]`, `gen2[gen2Epochs=${e}]#2`]],
      ["bane", [`bane[gen2Epochs=${e}]`, `bane[gen2Epochs=${e}]#2`]],
    ];
    cells.forEach(([step, names], c) => {
      const [mean, sd] = meanSd(names.map(err));
      equal(csv[0][2 + 3 * c], `${step}_testError_mean`);
      ok(Math.abs(Number(row[2 + 3 * c]) - mean) < 1e-9, `${step} ${e}`);
      ok(Math.abs(Number(row[3 + 3 * c]) - sd) < 1e-9, `${step} ${e}`);
      equal(row[4 + 3 * c], "2");
    });
  }
  match(
    await Deno.readTextFile(join(dir, "compare.md")),
    /\| # \| gen2Epochs \| teacher \| gen1 \| gen2 \| bane \|/,
  );
  match(await Deno.readTextFile(join(dir, "compare.html")), /<th>gen2Epochs<\/th>/);

  // Again: every step cached; the terminal ends with the same comparison.
  const again = await runCli(["run", CHAIN, "--cache-dir", cache, "--executor", "cpu", ...SWEEP]);
  equal(again.code, 0, again.stderr);
  match(again.stderr, /chain: 12 steps, 12 cached, 0 to run/);
  match(again.stderr, /sweep: 2 configurations, 12 steps, 4 shared: 4 trainings saved/);
  const [tm, ts] = meanSd([err("teacher"), err("teacher#2")]);
  match(again.stdout, new RegExp(`\\| 2 \\| 2 \\| ${tm.toFixed(2)} ± ${ts.toFixed(2)} \\|`));

  // --force with a step's own name forces every version of it.
  const forced = await runCli([
    "plan",
    CHAIN,
    "--cache-dir",
    cache,
    "--json",
    "--force",
    "gen2",
    ...SWEEP,
  ]);
  equal(forced.code, 0, forced.stderr);
  deepEqual(
    JSON.parse(forced.stdout).steps.filter((x: { status: string }) => x.status === "run")
      .map((x: { name: string }) => x.name),
    ["gen2[gen2Epochs=1]", "gen2[gen2Epochs=2]"],
  );

  // `report` of the same sweep compares the configurations too.
  const rep = await runCli(["report", CHAIN, "--cache-dir", cache, "--json", ...SWEEP]);
  equal(rep.code, 0, rep.stderr);
  const c = JSON.parse(rep.stdout).compare;
  deepEqual(c.rows.map((r: { params: unknown }) => r.params), [{ gen2Epochs: "1" }, {
    gen2Epochs: "2",
  }]);
  ok(Math.abs(c.rows[1].cells[0].stats.mean - tm) < 1e-9);
  await Deno.remove(cache, { recursive: true });
});
