/**
 * `--scheduler slurm` against a real single-node cluster on localhost (tests/helpers/
 * slurm_cluster.ts). Skipped, with the reason printed, where Slurm is not installed.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { runCli, spawnCli, statuses, type Summary, summary, tempCache } from "../helpers/cli.ts";
import { cliArgs, ROOT } from "../helpers/cli.ts";
import { allJobs, lastJobId, slurm, slurmCluster } from "../helpers/slurm_cluster.ts";

const cluster = await slurmCluster();
const ignore = !cluster.ok;

const SMOKE = "pipelines/smoke.ts";
const CHAIN = "tests/fixtures/pipelines/chain.ts";
const LONG = "tests/fixtures/pipelines/long.ts";
const NAN = "tests/fixtures/pipelines/nan.ts";

function slurmRun(file: string, cache: string, ...more: string[]): string[] {
  return ["run", file, "--cache-dir", cache, "--executor", "cpu", "--scheduler", "slurm", ...more];
}

async function waitFor(cond: () => Promise<boolean>, what: string, ms = 120_000) {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function readJson(path: string): Promise<any> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return undefined;
  }
}

/** Keys by step name, from `plan --json`. */
async function keys(
  file: string,
  cache: string,
  ...more: string[]
): Promise<Record<string, string>> {
  const r = await runCli(["plan", file, "--cache-dir", cache, "--json", ...more]);
  return Object.fromEntries(
    JSON.parse(r.stdout).steps.map((s: { name: string; key: string }) => [s.name, s.key]),
  );
}

/** What the results table shows, without timings. */
function table(s: Summary) {
  return s.steps.map(({ name, key, status, metrics, parameters }) => {
    const { seconds: _, ...rest } = metrics ?? {};
    return { name, key, status, metrics: rest, parameters };
  });
}

Deno.test({
  name: "the smoke pipeline through Slurm gives the same keys and results as a local run",
  ignore,
  async fn() {
    const local = await tempCache(), onSlurm = await tempCache();
    const [a, b] = await Promise.all([
      runCli(["run", SMOKE, "--cache-dir", local, "--executor", "cpu", "--json"]),
      runCli(slurmRun(SMOKE, onSlurm, "--json")),
    ]);
    equal(a.code, 0, a.stderr);
    equal(b.code, 0, b.stderr);
    deepEqual(table(summary(b)), table(summary(a)));
    match(b.stderr, /checking that compute nodes see the cache \(probe job \d+\)/);
    match(b.stderr, /teacher: submitted as Slurm job \d+/);

    // What was submitted is there to read, and runs the same worker command by key.
    const teacher = summary(b).steps.find((s) => s.name === "teacher")!.key;
    const work = join(onSlurm, "work", teacher);
    const script = await Deno.readTextFile(join(work, "slurm.sh"));
    match(script, /^#SBATCH --signal=B:TERM@120$/m);
    match(script, new RegExp(`lib/worker/main\\.ts --cache-dir ${onSlurm} --key ${teacher}`));
    equal(
      script.includes("--parent-pid"),
      false,
      "no parent watch: the interpreter is not the parent",
    );
    const { job } = await readJson(join(work, "slurm-job.json"));
    match(await Deno.readTextFile(join(work, `events-${job}.jsonl`)), /"t":"done"/);

    // A duplicate of a finished step's job (resubmitted by hand, or queued twice) is harmless:
    // it finds the entry and ends at once without training.
    const dup = (await slurm("sbatch", ["--parsable", join(work, "slurm.sh")])).trim();
    await waitFor(
      async () => (await allJobs()).some((j) => String(j.id) === dup && j.state === "COMPLETED"),
      `duplicate job ${dup}`,
      60_000,
    );
    const events = await Deno.readTextFile(join(work, `events-${dup}.jsonl`));
    match(events, /"t":"done","step":"teacher","cached":true/);
    equal(events.includes('"t":"start"'), false);
    await Deno.remove(local, { recursive: true });
    await Deno.remove(onSlurm, { recursive: true });
  },
});

Deno.test({
  name: "a failing step on Slurm reports its job, exit code and log",
  ignore,
  async fn() {
    const cache = await tempCache();
    const r = await runCli(slurmRun(NAN, cache));
    equal(r.code, 1, r.stderr);
    match(
      r.stderr,
      /step "teacher" failed \(nan-loss\): Loss became \S+ at epoch \d+, batch \d+; .*\(Slurm job \d+ on \S+, exit code 1\)/,
    );
    const logHeader = new RegExp(`--- last lines of ${cache}/work/\\w+/worker\\.log ---\\n`);
    match(r.stderr, logHeader);
    // The tail is the job's log: the launcher's submission line is in it.
    match(r.stderr.split(logHeader)[1], /=== .*: submitting .*slurm\.sh \(attempt 1\) ===/);
    equal([...Deno.readDirSync(join(cache, "entries"))].length, 0);
    await Deno.remove(cache, { recursive: true });
  },
});

Deno.test({
  name:
    "a step over its time limit checkpoints on the warning signal, is resubmitted and completes",
  ignore,
  async fn() {
    // The student must outlast the first warning, which comes 5 to 35 s into a 1-minute job
    // (limit minus --slurm-signal 55, then slurmctld's 30 s check): size it from a local run,
    // for 90 s of work, since the calibration runs beside other tests and can read up to twice
    // too slow.
    const calib = await tempCache();
    const c = await runCli(
      ["run", LONG, "--cache-dir", calib, "--executor", "cpu", "--set", "epochs=30", "--json"],
    );
    equal(c.code, 0, c.stderr);
    const calibKey = summary(c).steps.find((s) => s.name === "student")!.key;
    // Seconds per epoch once warmed up (the history's seconds are cumulative).
    const h = await readJson(join(calib, "entries", calibKey, "history.json"));
    const perEpoch = (h[29].seconds - h[9].seconds) / 20;
    const epochs = Math.max(100, Math.ceil(90 / perEpoch));
    await Deno.remove(calib, { recursive: true });

    const cache = await tempCache();
    const set = ["--set", `epochs=${epochs}`];
    const student = (await keys(LONG, cache, ...set)).student;
    const r = await runCli(slurmRun(
      LONG,
      cache,
      ...set,
      "--slurm-step",
      "student:time=1",
      "--slurm-signal",
      "55",
      "--slurm-retries",
      "8",
      "--json",
    ));
    equal(r.code, 0, r.stderr);
    deepEqual(statuses(summary(r)), { teacher: "ran", student: "ran" });
    // Only the scheduling lines, so a failure shows what happened.
    const lines = r.stderr.split("\n").filter((l) => /Slurm|resum/.test(l)).join("\n");
    match(
      lines,
      /student: Slurm job \d+ checkpointed on the time-limit warning after \d+:\d+ of 1:00; resubmitting \(attempt 2 of 9\), it resumes from its checkpoint/,
    );
    match(lines, /student: resuming from checkpoint at epoch \d+/);
    const work = join(cache, "work", student);
    ok((await readJson(join(work, "slurm-job.json"))).attempt >= 2);
    match(await Deno.readTextFile(join(work, "slurm.sh")), /^#SBATCH --time=1$/m);
    // Every epoch trained exactly once across the submissions.
    const history = await readJson(join(cache, "entries", student, "history.json"));
    deepEqual(
      history.map((h: { epoch: number }) => h.epoch),
      Array.from({ length: epochs }, (_, i) => i + 1),
    );
    await Deno.remove(cache, { recursive: true });
  },
});

Deno.test({
  name: "Ctrl-C cancels the submitted jobs, keeps finished steps and the running step's checkpoint",
  ignore,
  async fn() {
    const cache = await tempCache();
    // Two CPUs per job on a two-CPU node: one job runs, the next waits in the queue.
    const set = ["--set", "seeds=2", "--set", "epochs=2000", "--jobs", "2", "--slurm-cpus", "2"];
    const k = await keys(LONG, cache, ...set);
    const jobOf = async (step: string) =>
      (await readJson(join(cache, "work", k[step], "slurm-job.json")))?.job as string | undefined;
    const child = spawnCli(slurmRun(LONG, cache, ...set));
    const stderr = new Response(child.stderr).text();
    let running = "", pending = "";
    await waitFor(async () => {
      const states = new Map((await allJobs()).map((j) => [String(j.id), j.state]));
      for (const step of ["student", "student#2"]) {
        const job = await jobOf(step);
        const checkpoint = await readJson(join(cache, "work", k[step], "checkpoint", "state.json"));
        if (job && states.get(job) === "RUNNING" && checkpoint) running = step;
      }
      for (const step of Object.keys(k)) {
        const job = await jobOf(step);
        if (job && states.get(job) === "PENDING") pending = step;
      }
      return running !== "" && pending !== "";
    }, "a running student with a checkpoint and a pending job");
    child.kill("SIGINT");
    const [status, err] = await Promise.all([child.status, stderr, child.stdout.cancel()]);
    equal(status.code, 130, err);
    const states = new Map((await allJobs()).map((j) => [String(j.id), j.state]));
    equal(states.get((await jobOf(pending))!), "CANCELLED", `pending ${pending}`);
    equal(states.get((await jobOf(running))!), "CANCELLED", `running ${running}`);
    for (const step of Object.keys(k)) {
      const job = await jobOf(step);
      if (job) {
        ok(!["PENDING", "RUNNING"].includes(states.get(job)!), `${step}: ${states.get(job)}`);
      }
    }
    // The running worker saved its place on the way out; the finished teacher stays committed.
    match(err, new RegExp(`${running}: interrupted: Stopped at epoch \\d+`));
    ok(await readJson(join(cache, "work", k[running], "checkpoint", "state.json")));
    ok(await readJson(join(cache, "entries", k.teacher, "manifest.json")));
    await Deno.remove(cache, { recursive: true });
  },
});

Deno.test({
  name: "two interpreters on one pipeline submit each step once",
  ignore,
  async fn() {
    const cache = await tempCache();
    const k = await keys(CHAIN, cache);
    const before = await lastJobId();
    const [a, b] = await Promise.all([
      runCli(slurmRun(CHAIN, cache, "--json")),
      runCli(slurmRun(CHAIN, cache, "--json")),
    ]);
    equal(a.code, 0, a.stderr);
    equal(b.code, 0, b.stderr);
    const sa = statuses(summary(a)), sb = statuses(summary(b));
    for (const step of Object.keys(k)) {
      deepEqual(
        [sa[step], sb[step]].sort(),
        ["cached", "ran"],
        `${step}: ${sa[step]} / ${sb[step]}`,
      );
    }
    match(
      a.stderr + b.stderr,
      /waiting for \S+:\d+ \(Slurm job \d+\), which is computing the same step/,
    );
    const jobs = (await allJobs()).filter((j) => j.id > before);
    for (const [step, key] of Object.entries(k)) {
      equal(jobs.filter((j) => j.comment === `born-again:${key}`).length, 1, `jobs of ${step}`);
    }
    await Deno.remove(cache, { recursive: true });
  },
});

Deno.test({
  name:
    "a rerun after the interpreter was killed follows the step's running job instead of submitting again",
  ignore,
  async fn() {
    const cache = await tempCache();
    const set = ["--set", "epochs=100"];
    const student = (await keys(LONG, cache, ...set)).student;
    const before = await lastJobId();
    const first = spawnCli(slurmRun(LONG, cache, ...set));
    let job = "";
    await waitFor(async () => {
      job = (await readJson(join(cache, "work", student, "slurm-job.json")))?.job ?? "";
      return job !== "" &&
        (await allJobs()).some((j) => String(j.id) === job && j.state === "RUNNING");
    }, "the student's job to run");
    first.kill("SIGKILL");
    await Promise.all([first.status, first.stdout.cancel(), first.stderr.cancel()]);
    const r = await runCli(slurmRun(LONG, cache, ...set, "--json"));
    equal(r.code, 0, r.stderr);
    match(r.stderr, new RegExp(`student: following Slurm job ${job}, submitted by \\S+:\\d+`));
    deepEqual(statuses(summary(r)), { teacher: "cached", student: "ran" });
    const jobs = (await allJobs()).filter((j) =>
      j.id > before && j.comment === `born-again:${student}`
    );
    deepEqual(jobs.map((j) => String(j.id)), [job]);
    await Deno.remove(cache, { recursive: true });
  },
});

/** Whether this process may make a private mount namespace (root, util-linux unshare). */
async function canUnshare(): Promise<boolean> {
  try {
    return (await new Deno.Command("unshare", { args: ["-m", "true"], stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "a cache folder the compute nodes do not share is reported before any step is submitted",
  ignore: ignore || !(await canUnshare()),
  async fn() {
    // The interpreter sees a tmpfs mounted over the cache folder in its own mount namespace; the
    // job (started by slurmd) sees the folder underneath: two folders with one name, as with a
    // cache on a login node's local disk.
    const cache = await tempCache();
    const before = await lastJobId();
    const args = cliArgs(slurmRun(CHAIN, cache)).map((a) => `'${a}'`).join(" ");
    const out = await new Deno.Command("unshare", {
      args: [
        "-m",
        "sh",
        "-c",
        `mount -t tmpfs none '${cache}' && exec '${Deno.execPath()}' ${args}`,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    equal(out.code, 1, err);
    match(
      err,
      new RegExp(
        `failed \\(probe-failed\\): The cache folder ${cache} is not shared with the compute nodes: probe job \\d+ wrote a token into it on \\S+, but the token did not appear here`,
      ),
    );
    const jobs = (await allJobs()).filter((j) => j.id > before);
    deepEqual(jobs.map((j) => j.name), ["ba-probe"], "only the probe job was submitted");
    await Deno.remove(cache, { recursive: true });
  },
});
