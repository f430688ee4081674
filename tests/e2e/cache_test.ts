import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { runCli, statuses, summary, tempCache } from "../helpers/cli.ts";

const CHAIN = "tests/fixtures/pipelines/chain.ts";
const run = (cache: string, ...extra: string[]) =>
  runCli(["run", CHAIN, "--cache-dir", cache, "--executor", "cpu", "--json", ...extra]);

Deno.test("a second run trains nothing and reports every step cached with the same results", async () => {
  const cache = await tempCache();
  const first = await run(cache);
  equal(first.code, 0, first.stderr);
  const s1 = summary(first);
  deepEqual(statuses(s1), { teacher: "ran", gen1: "ran", gen2: "ran", bane: "ran" });
  ok(s1.steps.every((s) => typeof s.metrics?.testError === "number"));
  const second = await run(cache);
  equal(second.code, 0);
  const s2 = summary(second);
  deepEqual(statuses(s2), { teacher: "cached", gen1: "cached", gen2: "cached", bane: "cached" });
  deepEqual(s2.steps.map((s) => [s.key, s.metrics]), s1.steps.map((s) => [s.key, s.metrics]));
  ok(!second.stderr.includes("started on"), "no worker should start");

  // Editing a param of gen2 reruns gen2 and what depends on it, nothing upstream.
  const third = await run(cache, "--set", "gen2Epochs=1");
  deepEqual(statuses(summary(third)), {
    teacher: "cached",
    gen1: "cached",
    gen2: "ran",
    bane: "ran",
  });
  // A param of the teacher reruns everything.
  const plan = await runCli(["plan", CHAIN, "--cache-dir", cache, "--set", "teacherEpochs=1"]);
  equal(plan.code, 0);
  match(plan.stdout, /teacher\s+train\s+will run\s+\w+\s+params\.epochs: 2 -> 1/);
  match(plan.stdout, /gen1\s+train\s+will run\s+\w+\s+input teacher has a new key/);
  await Deno.remove(cache, { recursive: true });
});

Deno.test("params come from a YAML file, --set wins, and a bad file is a clear error", async () => {
  const cache = await tempCache();
  const yaml = join(cache, "p.yaml");
  await Deno.writeTextFile(yaml, "teacherEpochs: 1\ngen2Epochs: 1\n");
  const plan = await runCli([
    "plan",
    CHAIN,
    "--cache-dir",
    cache,
    "--params",
    yaml,
    "--set",
    "gen2Epochs=3",
    "--json",
  ]);
  equal(plan.code, 0, plan.stderr);
  const p = JSON.parse(plan.stdout);
  equal(p.params.teacherEpochs, 1);
  equal(p.params.gen2Epochs, 3);
  await Deno.writeTextFile(yaml, "teacherEpochs: { a: 1 }\n");
  const bad = await runCli(["plan", CHAIN, "--cache-dir", cache, "--params", yaml]);
  equal(bad.code, 1);
  match(
    bad.stderr,
    /p\.yaml, field "teacherEpochs": Param "teacherEpochs" must be a number, string or boolean/,
  );
  await Deno.writeTextFile(yaml, "nope: 1\n");
  const unknown = await runCli(["plan", CHAIN, "--cache-dir", cache, "--params", yaml]);
  equal(unknown.code, 1);
  match(unknown.stderr, /Unknown param "nope" for pipeline "chain"/);
  await Deno.remove(cache, { recursive: true });
});

Deno.test("a truncated entry is not used: plan reports it and run trains the step again", async () => {
  const cache = await tempCache();
  const first = summary(await run(cache));
  const teacherKey = first.steps.find((s) => s.name === "teacher")!.key;
  const weights = join(cache, "entries", teacherKey, "model", "weights.bin");
  const bytes = await Deno.readFile(weights);
  await Deno.writeFile(weights, bytes.subarray(0, bytes.length - 8));
  const plan = await runCli(["plan", CHAIN, "--cache-dir", cache]);
  match(
    plan.stdout,
    /teacher\s+train\s+will run\s+\w+\s+cache entry is corrupt \(model\/weights\.bin is \d+ bytes, manifest says \d+\)/,
  );
  const again = summary(await run(cache));
  equal(statuses(again).teacher, "ran");
  equal(statuses(again).gen1, "cached");
  const verify = await runCli(["cache", "verify", "--cache-dir", cache]);
  equal(verify.code, 0, verify.stdout);
  await Deno.remove(cache, { recursive: true });
});

Deno.test("--force reruns exactly the named step; cache ls, verify and gc report and clean", async () => {
  const cache = await tempCache();
  await run(cache);
  const forced = summary(await run(cache, "--force", "gen1"));
  deepEqual(statuses(forced), { teacher: "cached", gen1: "ran", gen2: "cached", bane: "cached" });
  const ls = await runCli(["cache", "ls", "--cache-dir", cache, "--json"]);
  equal(JSON.parse(ls.stdout).entries.length, 4);
  // A run with another param leaves the old gen2/bane entries unreferenced.
  await run(cache, "--set", "gen2Epochs=1");
  const dry = await runCli(["cache", "gc", "--dry-run", "--cache-dir", cache, "--json"]);
  equal(JSON.parse(dry.stdout).removed, 2);
  equal(
    (await runCli(["cache", "ls", "--cache-dir", cache, "--json"])).stdout.includes(
      '"status":"corrupt"',
    ),
    false,
  );
  const gc = await runCli(["cache", "gc", "--cache-dir", cache, "--json"]);
  const report = JSON.parse(gc.stdout);
  equal(report.removed, 2);
  ok(report.freedBytes > 0);
  equal(
    JSON.parse((await runCli(["cache", "ls", "--cache-dir", cache, "--json"])).stdout).entries
      .length,
    4,
  );
  deepEqual(statuses(summary(await run(cache, "--set", "gen2Epochs=1"))), {
    teacher: "cached",
    gen1: "cached",
    gen2: "cached",
    bane: "cached",
  });
  const badVerify = join(cache, "entries", summary(await run(cache)).steps[0].key, "history.json");
  await Deno.writeTextFile(badVerify, (await Deno.readTextFile(badVerify)).replace(/\d/, "x"));
  equal((await runCli(["cache", "verify", "--cache-dir", cache])).code, 1);
  await Deno.remove(cache, { recursive: true });
});
