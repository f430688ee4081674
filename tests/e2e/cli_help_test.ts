/**
 * The command line explains itself: each command's help (a pipeline's params with their types,
 * defaults and descriptions), and misspelt options, stray words and unknown params answered
 * with what was most likely meant, before anything is planned or trained.
 */
import { equal, match, ok } from "node:assert/strict";
import { type CliResult, ROOT, runCli, tempCache } from "../helpers/cli.ts";

/** Run another task's script (`datasets/cli.ts`, `bench/main.ts`) as `deno task` would. */
async function runScript(script: string, args: string[]): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-all", `${ROOT}/${script}`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    // Only a guard: were --help ignored, bench would start every benchmark.
    signal: AbortSignal.timeout(300_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Run the CLI with a fresh cache; check the cache stayed empty (nothing planned or trained). */
async function runIdle(args: string[]): Promise<CliResult> {
  const cache = await tempCache();
  const r = await runCli([...args, "--cache-dir", cache, "--executor", "cpu"]);
  try {
    equal([...Deno.readDirSync(cache)].length, 0, `the cache was touched:\n${r.stderr}`);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
  return r;
}

Deno.test("run <pipeline> --help lists the pipeline's params with type, default and description", async () => {
  const r = await runIdle(["run", "pipelines/smoke.ts", "--help"]);
  equal(r.code, 0, r.stderr);
  match(r.stdout, /^usage: deno task run pipelines\/smoke\.ts \[options\]/);
  match(r.stdout, /^params of pipeline "smoke"/m);
  match(r.stdout, /^\s+epochs\s+number\s+3\s+epochs per generation$/m);
  match(r.stdout, /^\s+lr\s+number\s+0\.05\s+initial learning rate$/m);
  match(r.stdout, /^\s+seeds\s+number\s+1\s+number of seed replicates/m);
  // Then the run options.
  ok(r.stdout.indexOf("--cache-dir DIR") > r.stdout.indexOf("epochs per generation"));
  match(r.stdout, /^\s+--jobs N, -j N\s+run up to N/m);
});

Deno.test("plan <pipeline> --help shows the values --set gives beside the defaults", async () => {
  const r = await runIdle(["plan", "tests/fixtures/pipelines/chain.ts", "-h", "--set", "lr=0.2"]);
  equal(r.code, 0, r.stderr);
  match(r.stdout, /^usage: deno task plan tests\/fixtures\/pipelines\/chain\.ts/);
  match(r.stdout, /^\s+lr\s+number\s+0\.05\s+0\.2\s*$/m);
  match(r.stdout, /^\s+teacherEpochs\s+number\s+2\s*$/m);
});

Deno.test("cache --help lists the cache's options and not run's", async () => {
  const r = await runIdle(["cache", "--help"]);
  equal(r.code, 0, r.stderr);
  match(r.stdout, /^usage: deno task cache ls\|verify\|gc/);
  match(r.stdout, /^\s+--dry-run\s/m);
  match(r.stdout, /^\s+--checkpoints\s/m);
  equal(/--jobs|--set/.test(r.stdout), false);
});

Deno.test("a misspelt option gets the closest known one", async () => {
  const r = await runIdle(["run", "pipelines/smoke.ts", "--cache-dirr", "/tmp/x"]);
  equal(r.code, 2);
  match(r.stderr, /^error: unknown option --cache-dirr: did you mean --cache-dir\?$/m);
  match(r.stderr, /deno task run --help/);
});

Deno.test("a stray name=value word is an error suggesting --set", async () => {
  const r = await runIdle(["plan", "pipelines/smoke.ts", "epochs=5"]);
  equal(r.code, 2);
  match(
    r.stderr,
    /^error: unexpected argument "epochs=5": to set a pipeline param, write --set epochs=5$/m,
  );
});

Deno.test("an unknown --set param suggests the closest declared one", async () => {
  const r = await runIdle(["plan", "pipelines/smoke.ts", "--set", "epoch=5"]);
  equal(r.code, 1);
  match(
    r.stderr,
    /Unknown param "epoch" for pipeline "smoke": declared are .*; did you mean "epochs"\?/,
  );
});

Deno.test("data with a misspelt option says so instead of throwing", async () => {
  const r = await runScript("datasets/cli.ts", ["cifar10", "--data-dirr", "/tmp/x"]);
  equal(r.code, 2);
  match(r.stderr, /^error: unknown option --data-dirr: did you mean --data-dir\?$/m);
  equal(/TypeError|Uncaught/.test(r.stderr), false, r.stderr);
  const help = await runScript("datasets/cli.ts", ["--help"]);
  equal(help.code, 0);
  match(help.stdout, /^\s+--data-dir DIR\s/m);
});

Deno.test("bench --help lists the benchmarks and runs none", async () => {
  const r = await runScript("bench/main.ts", ["--help"]);
  equal(r.code, 0, r.stderr);
  match(r.stdout, /^usage: deno task bench/);
  match(r.stdout, /^\s+executors\s+\S/m);
  equal(r.stdout.includes("# bench/"), false);
  const typo = await runScript("bench/main.ts", ["executor"]);
  equal(typo.code, 2);
  match(typo.stderr, /unknown benchmark "executor": did you mean executors\?/);
});
