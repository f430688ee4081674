import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { runCli, spawnCli, statuses, summary, tempCache } from "../helpers/cli.ts";

const LONG = "tests/fixtures/pipelines/long.ts";

async function waitFor(cond: () => Promise<boolean>, what: string, ms = 60_000) {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function studentKey(cache: string): Promise<string> {
  const plan = JSON.parse((await runCli(["plan", LONG, "--cache-dir", cache, "--json"])).stdout);
  return plan.steps.find((s: { name: string }) => s.name === "student").key;
}

async function checkpointEpoch(cache: string, key: string): Promise<number | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(cache, "work", key, "checkpoint", "state.json")))
      .epoch;
  } catch {
    return undefined;
  }
}

async function drain(child: Deno.ChildProcess) {
  await Promise.all([child.stdout.cancel(), child.stderr.cancel()]).catch(() => {});
  return await child.status;
}

Deno.test("kill -9 of the interpreter and worker mid-step, then the same command resumes and completes", async () => {
  const cache = await tempCache();
  const key = await studentKey(cache);
  const child = spawnCli(["run", LONG, "--cache-dir", cache, "--executor", "cpu"]);
  await waitFor(
    async () => ((await checkpointEpoch(cache, key)) ?? 0) >= 2,
    "a checkpoint of the student",
  );
  // The worker holds the step's lock; kill it and the interpreter at once, without warning.
  const owner = JSON.parse(await Deno.readTextFile(join(cache, "locks", `${key}.lock`)));
  Deno.kill(owner.pid, "SIGKILL");
  child.kill("SIGKILL");
  await drain(child);
  const saved = (await checkpointEpoch(cache, key))!;
  ok(saved >= 2);
  // The epochs trained so far, written as it trained: one JSON object a line.
  const epochsIn = async (path: string) =>
    (await Deno.readTextFile(path)).trimEnd().split("\n").map((l) => JSON.parse(l).epoch);
  const live = await epochsIn(join(cache, "work", key, "metrics.jsonl"));
  ok(live.length >= saved, `${live} (checkpoint at ${saved})`);
  deepEqual(live, Array.from({ length: live.length }, (_, i) => i + 1));
  equal(
    await Deno.stat(join(cache, "entries", key)).catch(() => null),
    null,
    "no entry for the killed step",
  );

  const plan = await runCli(["plan", LONG, "--cache-dir", cache]);
  match(plan.stdout, /teacher\s+train\s+cached/);
  match(
    plan.stdout,
    new RegExp(
      `student\\s+train\\s+will run\\s+\\w+\\s+.*will resume at epoch ${saved + 1}, batch 0`,
    ),
  );
  const rerun = await runCli(["run", LONG, "--cache-dir", cache, "--executor", "cpu", "--json"]);
  equal(rerun.code, 0, rerun.stderr);
  match(rerun.stderr, new RegExp(`student: resuming from checkpoint at epoch ${saved + 1}`));
  equal(rerun.stderr.includes("waiting for"), false, "the dead owner's lock must not be waited on");
  const s = summary(rerun);
  deepEqual(statuses(s), { teacher: "cached", student: "ran" });
  const history = JSON.parse(await Deno.readTextFile(join(cache, "entries", key, "history.json")));
  equal(history.length, 20);
  deepEqual(
    history.map((h: { epoch: number }) => h.epoch),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  // Resumed from the checkpoint, each epoch is in the committed metrics.jsonl once.
  deepEqual(
    await epochsIn(join(cache, "entries", key, "metrics.jsonl")),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  equal(await checkpointEpoch(cache, key), undefined, "the checkpoint is cleared after commit");
  await Deno.remove(cache, { recursive: true });
});

Deno.test("Ctrl-C stops cleanly after saving a checkpoint, and exits 130", async () => {
  const cache = await tempCache();
  const key = await studentKey(cache);
  const child = spawnCli(["run", LONG, "--cache-dir", cache, "--executor", "cpu"]);
  await waitFor(
    async () => ((await checkpointEpoch(cache, key)) ?? 0) >= 1,
    "a checkpoint of the student",
  );
  child.kill("SIGINT");
  const [status, err] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
    child.stdout.cancel(),
  ]);
  equal(status.code, 130, err);
  match(err, /student: interrupted: Stopped at epoch \d+, batch \d+; checkpoint saved/);
  const m = err.match(/Stopped at epoch (\d+), batch (\d+)/)!;
  const state = JSON.parse(
    await Deno.readTextFile(join(cache, "work", key, "checkpoint", "state.json")),
  );
  deepEqual([state.epoch + 1, state.batch], [Number(m[1]), Number(m[2])]);
  await Deno.remove(cache, { recursive: true });
});

Deno.test("two concurrent runs of one pipeline train each step once", async () => {
  const cache = await tempCache();
  const args = [
    "run",
    "tests/fixtures/pipelines/chain.ts",
    "--cache-dir",
    cache,
    "--executor",
    "cpu",
    "--json",
  ];
  const [a, b] = await Promise.all([runCli(args), runCli(args)]);
  equal(a.code, 0, a.stderr);
  equal(b.code, 0, b.stderr);
  const sa = statuses(summary(a)), sb = statuses(summary(b));
  for (const step of Object.keys(sa)) {
    deepEqual([sa[step], sb[step]].sort(), ["cached", "ran"], `${step}: ${sa[step]} / ${sb[step]}`);
  }
  await Deno.remove(cache, { recursive: true });
});
