import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { runCli, summary, tempCache } from "../helpers/cli.ts";

const CHAIN = "tests/fixtures/pipelines/chain.ts";
const SETS = ["--set", "seeds=2", "--set", "train=96"];

function meanSd(v: number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))];
}

Deno.test("run writes the report; its numbers equal the cached results, as mean ± sd over two seeds, and missing steps are listed", async () => {
  const cache = await tempCache();
  const run = await runCli([
    "run",
    CHAIN,
    "--cache-dir",
    cache,
    "--executor",
    "cpu",
    "--json",
    ...SETS,
  ]);
  equal(run.code, 0, run.stderr);
  const html = join(cache, "reports", "chain", "report.html");
  ok(run.stderr.includes(`report: ${html}`), run.stderr);
  ok((await Deno.stat(html)).isFile);
  const ran = summary(run);

  const rep = await runCli(["report", CHAIN, "--cache-dir", cache, "--json", ...SETS]);
  equal(rep.code, 0, rep.stderr);
  const r = JSON.parse(rep.stdout);
  equal(r.files.html, html);
  equal(r.teacher, "teacher");
  equal(r.steps.length, 8);
  // Every step's numbers are the manifest's, read straight from the cache.
  const cached: Record<string, Record<string, unknown>> = {};
  for (const s of r.steps) {
    equal(s.status, "done", s.name);
    const m = JSON.parse(await Deno.readTextFile(join(cache, "entries", s.key, "manifest.json")));
    deepEqual(s.result, m.result, s.name);
    deepEqual(s.provenance, m.provenance, s.name);
    equal(s.history?.length ?? 0, s.kind === "train" ? 2 : 0, s.name);
    cached[s.name] = m.result;
    deepEqual(m.result, ran.steps.find((x) => x.name === s.name)!.metrics);
  }
  const md = await Deno.readTextFile(join(cache, "reports", "chain", "report.md"));
  for (const row of r.rows) {
    const values = [cached[row.name].testError, cached[`${row.name}#2`].testError] as number[];
    const [mean, sd] = meanSd(values);
    ok(Math.abs(row.metrics.testError.mean - mean) < 1e-9, row.name);
    ok(Math.abs(row.metrics.testError.sd - sd) < 1e-9, row.name);
    deepEqual(row.seeds, { done: 2, declared: 2 });
    const cell = `${mean.toFixed(2)} ± ${sd.toFixed(2)}`;
    match(
      md,
      new RegExp(`\\| ${row.name} \\|.*\\| ${cell.replace(/[.+]/g, "\\$&")} \\|.*\\| 2 \\|`),
    );
  }
  match(md, /## Provenance/);

  // Remove one replicate's entry: the report lists it as missing and counts one seed.
  const gone = r.steps.find((s: { name: string }) => s.name === "gen2#2").key;
  await Deno.remove(join(cache, "entries", gone), { recursive: true });
  const out = join(cache, "elsewhere");
  const text = await runCli(["report", CHAIN, "--cache-dir", cache, "--out", out, ...SETS]);
  equal(text.code, 0, text.stderr);
  match(text.stdout, /\| gen2 \|.*\| 1 of 2 \|/);
  match(text.stdout, /missing \(1\):\n {2}gen2#2: not in the cache/);
  ok(text.stdout.includes(`report: ${join(out, "report.html")}`));
  match(await Deno.readTextFile(join(out, "report.md")), /- gen2#2: not in the cache/);
  await Deno.remove(cache, { recursive: true });
});
