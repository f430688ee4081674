/**
 * Fault tests of `cache gc`: run in a loop beside a run, it never fails the run; after a run is
 * killed mid-step, it keeps the resumable checkpoint (listing it in a dry run) unless given
 * `--checkpoints`, and keeps the entry a worker that outlived its run committed.
 */
import { equal, match, ok } from "node:assert/strict";
import { workerArgs } from "../../../lib/schedule/worker_command.ts";
import { CacheLayout } from "../../../lib/store/layout.ts";
import {
  cpuRunArgs,
  ROOT,
  runCli,
  spawnCli,
  statuses,
  summary,
  tempCache,
} from "../../helpers/cli.ts";

const LONG = "tests/fixtures/pipelines/long.ts";

/** The arguments that run the long pipeline on the CPU for `epochs`, then `extra`. */
function runArgs(cache: string, epochs: number, ...extra: string[]): string[] {
  return cpuRunArgs(LONG, cache, "--set", `epochs=${epochs}`, ...extra);
}

/** Kill the worker holding the lock of `key` and the CLI `child` at once, without warning. */
async function killRun(layout: CacheLayout, key: string, child: Deno.ChildProcess): Promise<void> {
  const owner = JSON.parse(await Deno.readTextFile(layout.lock(key)));
  Deno.kill(owner.pid, "SIGKILL");
  child.kill("SIGKILL");
  await Promise.all([child.stdout.cancel(), child.stderr.cancel(), child.status]);
}

async function studentKey(cache: string, epochs: number): Promise<string> {
  const plan = await runCli([
    "plan",
    LONG,
    "--cache-dir",
    cache,
    "--set",
    `epochs=${epochs}`,
    "--json",
  ]);
  return JSON.parse(plan.stdout).steps.find((s: { name: string }) => s.name === "student").key;
}

async function planReasons(cache: string, epochs: number): Promise<string> {
  const plan = await runCli(["plan", LONG, "--cache-dir", cache, "--set", `epochs=${epochs}`]);
  return plan.stdout;
}

/** A fresh cache, the student's key in it, and a run of the long pipeline for `epochs` started. */
async function startRun(epochs: number) {
  const cache = await tempCache();
  const layout = new CacheLayout(cache);
  const key = await studentKey(cache, epochs);
  const child = spawnCli(runArgs(cache, epochs));
  return { cache, layout, key, child };
}

Deno.test("cache gc in a loop beside a run never fails the run", async () => {
  const cache = await tempCache();
  const child = spawnCli(runArgs(cache, 8, "--json"));
  const output = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  let ended = false;
  const status = child.status.then((s) => {
    ended = true;
    return s;
  });
  let gcs = 0;
  while (!ended) {
    const gc = await runCli(["cache", "gc", "--cache-dir", cache]);
    equal(gc.code, 0, gc.stderr);
    gcs++;
  }
  const [{ code }, [stdout, stderr]] = await Promise.all([status, output]);
  equal(code, 0, `the run failed beside ${gcs} gc runs:\n${stderr}`);
  ok(gcs >= 2, `gc ran ${gcs} times during the run`);
  const s = summary({ code, stdout, stderr });
  equal(statuses(s).student, "ran");
  // What the run committed and remembered survives the next gc.
  await runCli(["cache", "gc", "--cache-dir", cache]);
  const again = summary(await runCli(runArgs(cache, 8, "--json")));
  equal(statuses(again).student, "cached");
  await Deno.remove(cache, { recursive: true });
});

Deno.test("cache gc keeps the checkpoint of a killed run unless --checkpoints", async () => {
  const epochs = 60;
  const { cache, layout, key, child } = await startRun(epochs);
  const state = layout.workFiles(key).checkpointState;
  const epochOf = () =>
    Deno.readTextFile(state).then((t) => JSON.parse(t).epoch as number, () => -1);
  let ended = false;
  child.status.then(() => ended = true);
  const start = Date.now();
  while ((await epochOf()) < 2) {
    if (ended || Date.now() - start > 120_000) {
      const err = await new Response(child.stderr).text().catch(() => "");
      throw new Error(`no checkpoint of the student:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await killRun(layout, key, child);
  const saved = await epochOf();
  match(await planReasons(cache, epochs), new RegExp(`will resume at epoch ${saved + 1}`));

  const dry = await runCli(["cache", "gc", "--dry-run", "--cache-dir", cache]);
  equal(dry.code, 0, dry.stderr);
  match(
    dry.stdout,
    new RegExp(
      `would keep work ${key.slice(0, 12)} long:student \\(\\d+\\.\\d\\d MB, ` +
        `checkpoint resumes at epoch ${saved + 1}/${epochs}, batch \\d+\\): resumable checkpoint`,
    ),
  );
  const gc = await runCli(["cache", "gc", "--cache-dir", cache]);
  equal(gc.code, 0, gc.stderr);
  match(gc.stdout, new RegExp(`kept work ${key.slice(0, 12)} long:student`));
  match(await planReasons(cache, epochs), new RegExp(`will resume at epoch ${saved + 1}`));

  const all = await runCli(["cache", "gc", "--checkpoints", "--cache-dir", cache]);
  equal(all.code, 0, all.stderr);
  match(all.stdout, new RegExp(`removed work ${key.slice(0, 12)} long:student`));
  const after = await planReasons(cache, epochs);
  ok(!after.includes("will resume"), after);
  await Deno.remove(cache, { recursive: true });
});

Deno.test("cache gc keeps the entry a worker committed after its run was killed", async () => {
  const epochs = 4;
  const { cache, layout, key, child } = await startRun(epochs);
  let ended = false;
  child.status.then(() => ended = true);
  const state = layout.workFiles(key).checkpointState;
  while (!(await Deno.stat(state).then(() => true, () => false))) {
    if (ended) throw new Error(`the run ended before the student's first checkpoint`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await killRun(layout, key, child);
  // The step finishes in a worker of its own, as a cluster job that outlived its run would.
  const worker = await new Deno.Command(Deno.execPath(), {
    args: workerArgs(cache, key, "cpu"),
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  equal(worker.code, 0, new TextDecoder().decode(worker.stderr));
  const gc = await runCli(["cache", "gc", "--cache-dir", cache]);
  equal(gc.code, 0, gc.stderr);
  ok(await Deno.stat(layout.manifest(key)).then(() => true, () => false), gc.stdout);
  const again = summary(
    await runCli(runArgs(cache, epochs, "--json")),
  );
  equal(statuses(again).student, "cached");
  await Deno.remove(cache, { recursive: true });
});
