/**
 * Every pipeline file plans (no training, no data needed: verified datasets fingerprint from the
 * official checksums), and the ablations share their teachers with the main pipelines.
 */
import { equal, match, ok } from "node:assert/strict";
import { ROOT, runCli, tempCache } from "../helpers/cli.ts";

interface PlanJson {
  pipeline: string;
  steps: { name: string; key: string; status: string; parameters: number | null }[];
}

const files = [
  ...[...Deno.readDirSync(`${ROOT}/pipelines`)].filter((e) => e.isFile).map((e) =>
    `pipelines/${e.name}`
  ),
  ...[...Deno.readDirSync(`${ROOT}/pipelines/ablations`)].map((e) =>
    `pipelines/ablations/${e.name}`
  ),
].filter((f) => f.endsWith(".ts")).sort();

const cache = await tempCache();
const plans = new Map<string, PlanJson>();
async function plan(file: string): Promise<PlanJson> {
  if (!plans.has(file)) {
    const r = await runCli(["plan", file, "--cache-dir", cache, "--json"]);
    equal(r.code, 0, `${file}: ${r.stderr}`);
    plans.set(file, JSON.parse(r.stdout));
  }
  return plans.get(file)!;
}
const keyOf = (p: PlanJson, step: string) => p.steps.find((s) => s.name === step)?.key;

for (const file of files) {
  Deno.test(`${file} plans every step without training`, async () => {
    const p = await plan(file);
    ok(p.steps.length > 0);
    ok(p.steps.every((s) => s.status === "run" && /^[0-9a-f]{64}$/.test(s.key)));
  });
}

Deno.test("the DenseNet ablations reuse ban-densenet's teacher (and gen1) through the cache", async () => {
  const main = await plan("pipelines/ban-densenet.ts");
  for (const f of ["ban-vs-ban-l", "cwtm", "dkpp", "l2-activation"]) {
    equal(keyOf(await plan(`pipelines/ablations/${f}.ts`), "teacher"), keyOf(main, "teacher"), f);
  }
  equal(keyOf(await plan("pipelines/ablations/ban-vs-ban-l.ts"), "gen1"), keyOf(main, "gen1"));
  equal(keyOf(await plan("pipelines/ablations/l2-activation.ts"), "gen1"), keyOf(main, "gen1"));
});

Deno.test("the WRN ablation reuses ban-wrn's teacher and BAN student", async () => {
  const main = await plan("pipelines/ban-wrn.ts");
  const abl = await plan("pipelines/ablations/wrn-to-densenet.ts");
  equal(keyOf(abl, "teacher"), keyOf(main, "teacher"));
  equal(keyOf(abl, "ban"), keyOf(main, "ban"));
});

Deno.test("changing a student-only param of an ablation leaves the shared teacher's key alone", async () => {
  const r = await runCli([
    "plan",
    "pipelines/ablations/dkpp.ts",
    "--cache-dir",
    cache,
    "--json",
    "--set",
    "permute=batch",
  ]);
  const p = JSON.parse(r.stdout) as PlanJson;
  equal(keyOf(p, "teacher"), keyOf(await plan("pipelines/ban-densenet.ts"), "teacher"));
  ok(keyOf(p, "dkpp") !== keyOf(await plan("pipelines/ablations/dkpp.ts"), "dkpp"));
});

Deno.test("the DenseNet → ResNet students learn from ban-densenet's 90-60 teacher, counts printed", async () => {
  const r = await runCli([
    "plan",
    "pipelines/ban-densenet.ts",
    "--cache-dir",
    cache,
    "--json",
    "--set",
    "arch=90-60",
  ]);
  const main = JSON.parse(r.stdout) as PlanJson;
  const abl = await plan("pipelines/ablations/densenet-to-resnet.ts");
  equal(keyOf(abl, "teacher"), keyOf(main, "teacher"));
  // Parameter counts come from the model plugins (checked against PyTorch in the model tests).
  const counts = Object.fromEntries(abl.steps.map((s) => [s.name, s.parameters]));
  equal(counts["teacher"], 15_189_100);
  equal(counts["ban-wide-1-1"], 21_039_640);
  equal(counts["ban-bottleneck-14-1"], 20_380_446);
  const text = await runCli([
    "plan",
    "pipelines/ablations/densenet-to-resnet.ts",
    "--cache-dir",
    cache,
    "--set",
    "students=wide-4-0.5",
  ]);
  equal(text.code, 0, text.stderr);
  match(text.stdout, /^teacher\s+train\s+will run\s+\w+\s+.*\s15\.19M(\s|$)/m);
  match(text.stdout, /^ban-wide-4-0\.5\s+train\s+will run\s+\w+\s+.*\s22\.40M(\s|$)/m);
});
