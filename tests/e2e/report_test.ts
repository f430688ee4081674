import { deepEqual, equal, match, ok } from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { runCli, summary, tempCache } from "../helpers/cli.ts";

const CHAIN = "tests/fixtures/pipelines/chain.ts";
const SETS = ["--set", "seeds=2", "--set", "train=96"];

/** The project's git revision, where it is a git checkout. */
async function gitRevision(): Promise<string | undefined> {
  const out = await new Deno.Command("git", {
    args: ["rev-parse", "HEAD"],
    stdout: "piped",
    stderr: "null",
  })
    .output().catch(() => undefined);
  return out?.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
}

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
  const html = run.stderr.match(/^report: (\S+)$/m)?.[1] ?? "";
  // The configuration's folder: a short hash of the resolved params.
  match(html, new RegExp(`^${join(cache, "reports", "chain")}/[0-9a-f]{10}/report\\.html$`));
  ok((await Deno.stat(html)).isFile);
  const reportDir = dirname(html);
  const ran = summary(run);
  const revision = await gitRevision();

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
    // Provenance: the command line that ran it, the git revision, the CPU model.
    equal(
      s.provenance.command,
      `deno task run ${CHAIN} --cache-dir ${cache} --executor cpu --json ${SETS.join(" ")}`,
    );
    if (revision) deepEqual(s.provenance.git?.revision, revision, s.name);
    equal(typeof s.provenance.cpu, "string", s.name);
    equal(s.history?.length ?? 0, s.kind === "train" ? 2 : 0, s.name);
    if (s.kind === "train") {
      // The entry's metrics.jsonl: one JSON object per epoch, the same as its history.
      const jsonl = await Deno.readTextFile(join(cache, "entries", s.key, "metrics.jsonl"));
      deepEqual(jsonl.trimEnd().split("\n").map((l) => JSON.parse(l)), s.history, s.name);
    }
    cached[s.name] = m.result;
    deepEqual(m.result, ran.steps.find((x) => x.name === s.name)!.metrics);
  }
  const md = await Deno.readTextFile(join(reportDir, "report.md"));
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
  ok(md.includes(`Run by:\n\n    deno task run ${CHAIN}`), md);

  // Remove one replicate's entry: the report lists it as missing and counts one seed.
  const gone = r.steps.find((s: { name: string }) => s.name === "gen2#2").key;
  await Deno.remove(join(cache, "entries", gone), { recursive: true });
  const out = join(cache, "elsewhere");
  const text = await runCli(["report", CHAIN, "--cache-dir", cache, "--out", out, ...SETS]);
  equal(text.code, 0, text.stderr);
  // The terminal's table is aligned: the seeds column ends every row.
  match(text.stdout, /^gen2 .* 1 of 2$/m);
  const table = text.stdout.split("\n").filter((l) => /^(step|teacher|gen1|gen2|bane) /.test(l));
  equal(table.length, 5, text.stdout);
  equal(new Set(table.map((l) => [...l].length)).size, 1, table.join("\n"));
  match(text.stdout, /^teacher +MLP 1×8 +crossEntropy /m);
  match(text.stdout, /missing \(1\):\n {2}gen2#2: not in the cache/);
  const outDir = join(out, "reports", "chain", r.configuration);
  ok(text.stdout.includes(`report: ${join(outDir, "report.html")}`));
  match(await Deno.readTextFile(join(outDir, "report.md")), /- gen2#2: not in the cache/);
  await Deno.remove(cache, { recursive: true });
});

Deno.test("report of a configuration with nothing in the cache writes nothing, lists the configurations there and exits 1", async () => {
  const cache = await tempCache();
  const base = [CHAIN, "--cache-dir", cache, "--executor", "cpu"];
  const run = await runCli(["run", ...base, "--json", ...SETS]);
  equal(run.code, 0, run.stderr);
  const html = run.stderr.match(/^report: (\S+)$/m)![1];
  const before = await Deno.readTextFile(html);
  const id = basename(dirname(html));

  // Without the run's params: another configuration, none of whose steps is in the cache.
  const bare = await runCli(["report", ...base]);
  equal(bare.code, 1, bare.stdout);
  match(bare.stderr, /no step of chain with these params is in the cache .*nothing was written/);
  match(bare.stderr, new RegExp(`^ {2}${id} {2}reported .*, 8 of 8 steps done$`, "m"));
  match(bare.stderr, /^ {4}--set seeds=2 --set train=96$/m);
  const paramsFile = join(dirname(html), "params.json");
  ok(bare.stderr.includes(`or --params ${paramsFile}`), bare.stderr);
  equal(await Deno.readTextFile(html), before);
  deepEqual([...Deno.readDirSync(dirname(dirname(html)))].map((e) => e.name).sort(), [
    id,
    "index.html",
    "index.md",
  ]);

  // The params file it names selects the configuration again.
  const again = await runCli(["report", ...base, "--json", "--params", paramsFile]);
  equal(again.code, 0, again.stderr);
  const r = JSON.parse(again.stdout);
  equal(r.configuration, id);
  equal(r.files.html, html);
  const index = await Deno.readTextFile(r.files.index.replace(/html$/, "md"));
  match(
    index,
    new RegExp(`\\[${id}\\]\\(${id}/report\\.md\\) \\| --set seeds=2 --set train=96 \\|`),
  );
  // metrics.csv: one row per train step × seed × epoch (3 train steps, 2 seeds, 2 epochs).
  const csv = (await Deno.readTextFile(r.files.csv)).trimEnd().split("\n");
  equal(csv.length, 1 + 3 * 2 * 2);
  await Deno.remove(cache, { recursive: true });
});

Deno.test("report --compare puts two configurations side by side with their curves overlaid", async () => {
  const cache = await tempCache();
  const base = [CHAIN, "--cache-dir", cache, "--executor", "cpu"];
  const ids: string[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const lr of ["0.05", "0.1"]) {
    const run = await runCli(["run", ...base, "--json", ...SETS, "--set", `lr=${lr}`]);
    equal(run.code, 0, run.stderr);
    ids.push(basename(dirname(run.stderr.match(/^report: (\S+)$/m)![1])));
    const rep = JSON.parse(
      (await runCli(["report", ...base, "--json", ...SETS, "--set", `lr=${lr}`])).stdout,
    );
    errors.push(
      Object.fromEntries(
        rep.rows.map((
          r: { name: string; metrics: { testError: { mean: number } } },
        ) => [r.name, r.metrics.testError.mean]),
      ),
    );
  }
  // One by an id prefix from the index, one by its params file.
  const paramsFile = join(cache, "reports", "chain", ids[1], "params.json");
  const cmp = await runCli([
    "report",
    ...base,
    "--json",
    "--compare",
    ids[0].slice(0, 6),
    "--compare",
    paramsFile,
  ]);
  equal(cmp.code, 0, cmp.stderr);
  const c = JSON.parse(cmp.stdout);
  deepEqual(c.configurations.map((x: { id: string }) => x.id), ids);
  deepEqual(c.configurations[1].flags, ["--set seeds=2", "--set train=96", "--set lr=0.1"]);
  deepEqual(c.header, ["step", ...ids]);
  for (const row of c.rows) {
    for (const i of [0, 1]) {
      ok(
        row[i + 1].startsWith((errors[i][row[0]] as number).toFixed(2)),
        `${row} vs ${errors[i][row[0]]}`,
      );
    }
  }
  const html = await Deno.readTextFile(c.files.html);
  // A chart per train step (teacher, gen1, gen2), each with one line per configuration.
  equal((html.match(/<svg /g) ?? []).length, 3);
  equal((html.match(/<path /g) ?? []).length, 3 * 2);
  ok(html.includes(`${ids[1]} (seeds=2 train=96 lr=0.1)`));

  const one = await runCli(["report", ...base, "--compare", ids[0]]);
  equal(one.code, 1);
  match(one.stderr, /--compare needs two or more configurations/);
  const unknown = await runCli(["report", ...base, "--compare", `${ids[0]},nope`]);
  equal(unknown.code, 1);
  match(
    unknown.stderr,
    /--compare nope: no such configuration or file; the configurations of chain/,
  );
  for (const id of ids) match(unknown.stderr, new RegExp(`^ {2}${id} {2}--set seeds=2`, "m"));
  await Deno.remove(cache, { recursive: true });
});
