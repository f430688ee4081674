import { equal, match } from "node:assert/strict";
import { runCli, tempCache } from "../helpers/cli.ts";

async function expectFailure(args: string[], pattern: RegExp) {
  const cache = await tempCache();
  const r = await runCli([...args, "--cache-dir", cache, "--executor", "cpu"]);
  equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
  match(r.stderr, pattern);
  // Nothing trained: no worker started, no entry written.
  equal(r.stderr.includes("started on"), false);
  const entries = [...Deno.readDirSync(cache)].some((e) => e.name === "entries")
    ? [...Deno.readDirSync(`${cache}/entries`)]
    : [];
  equal(entries.length, 0);
  await Deno.remove(cache, { recursive: true });
}

Deno.test("a missing pipeline file is a clear error", () =>
  expectFailure(
    ["run", "pipelines/nope.ts"],
    /^error: pipelines\/nope\.ts: Pipeline file not found: pipelines\/nope\.ts/m,
  ));

Deno.test("an unknown --set param is rejected before any training", () =>
  expectFailure(
    ["run", "tests/fixtures/pipelines/chain.ts", "--set", "epoch=3"],
    /Unknown param "epoch" for pipeline "chain": declared are gen2Epochs, lr, seeds, teacherEpochs, train/,
  ));

Deno.test("a mistyped --set value is rejected, naming the field", () =>
  expectFailure(
    ["run", "tests/fixtures/pipelines/chain.ts", "--set", "lr=fast"],
    /field "lr": Param "lr" must be a number \(default 0\.05\): got "fast"/,
  ));

Deno.test("a loss that needs a teacher without one fails at run time, naming file, step and field", () =>
  expectFailure(
    ["run", "tests/fixtures/pipelines/bad_teacher.ts"],
    /bad_teacher\.ts, step "gen1", field "teacher": Cannot train "gen1": loss "kd" needs a teacher/,
  ));

Deno.test("a language model on an image dataset is a type mismatch", () =>
  expectFailure(
    ["run", "tests/fixtures/pipelines/bad_domain.ts"],
    /step "teacher", field "model": Cannot train "teacher": model "bagOfWords" is a text model but the dataset syntheticImages is image/,
  ));

Deno.test("a cycle is rejected before any training", () =>
  expectFailure(
    ["run", "tests/fixtures/pipelines/cycle.ts"],
    /Cycle between steps: (a -> b -> a|b -> a -> b)/,
  ));

Deno.test("--force of an unknown step is an error", () =>
  expectFailure(
    ["run", "tests/fixtures/pipelines/chain.ts", "--force", "gen9"],
    /--force names unknown step "gen9"/,
  ));

Deno.test("a diverging loss stops the step with epoch, batch and last finite loss, and commits nothing", async () => {
  const cache = await tempCache();
  const r = await runCli([
    "run",
    "tests/fixtures/pipelines/nan.ts",
    "--cache-dir",
    cache,
    "--executor",
    "cpu",
  ]);
  equal(r.code, 1);
  match(
    r.stderr,
    /step "teacher" failed \(nan-loss\): Loss became (NaN|Infinity|-Infinity) at epoch \d+, batch \d+; last finite loss [\d.e+-]+/,
  );
  equal([...Deno.readDirSync(`${cache}/entries`)].length, 0);
  await Deno.remove(cache, { recursive: true });
});
