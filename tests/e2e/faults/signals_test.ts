/**
 * Signals as a terminal and the kernel send them. Ctrl-C reaches the whole foreground process
 * group at once (`deno task`, the command line and every worker): the step saves a checkpoint at
 * the current batch, is "interrupted", the run exits 130 and a rerun resumes at that batch. A
 * worker killed by SIGKILL (the out-of-memory killer) is a plain failure that says so.
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import {
  cliArgs,
  cpuRunArgs,
  ROOT,
  runCli,
  statuses,
  summary,
  tempCache,
} from "../../helpers/cli.ts";

const PIPELINE = "tests/fixtures/pipelines/one_step.ts";
/** One epoch of thousands of tiny batches: seconds long, so a stop lands inside it. */
const LONG_EPOCH = ["--set", "train=32768", "--set", "batchSize=2", "--set", "lr=0.001"];
/** The CLI's first progress line: the worker is past loading and inside the epoch. */
const TRAINING = /solo: epoch 1\/1\s+batch \d+\/\d+/;

/** A process started in a new session, so it leads its own process group, as a shell job does. */
class GroupLeader {
  readonly child: Deno.ChildProcess;
  #stderr = "";
  #stdout = "";
  readonly done: Promise<{ code: number; stdout: string; stderr: string }>;

  constructor(argv: string[]) {
    this.child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    const read = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
      for await (const s of stream.pipeThrough(new TextDecoderStream())) add(s);
    };
    this.done = Promise.all([
      read(this.child.stdout, (s) => this.#stdout += s),
      read(this.child.stderr, (s) => this.#stderr += s),
    ]).then(async () => ({
      code: (await this.child.status).code,
      stdout: this.#stdout,
      stderr: this.#stderr,
    }));
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Wait until stderr matches `re` (or fail, showing what it printed). */
  async waitFor(re: RegExp, ms = 120_000): Promise<void> {
    const start = Date.now();
    let exited = false;
    this.child.status.then(() => exited = true);
    while (!re.test(this.#stderr)) {
      if (exited || Date.now() - start > ms) {
        throw new Error(`${exited ? "exited" : "timed out"} before ${re}:\n${this.#stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Send `signal` to every process of the group, as a terminal does for Ctrl-C. */
  signalGroup(signal: Deno.Signal): void {
    equal(processGroup(this.child.pid), this.child.pid, "the child leads its own process group");
    Deno.kill(-this.child.pid, signal);
  }
}

/** The process group of `pid`. */
function processGroup(pid: number): number {
  const out = new Deno.Command("ps", { args: ["-o", "pgid=", "-p", String(pid)] }).outputSync();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

/** Pids of the processes whose parent is `pid` and whose command line includes `part`. */
function childrenOf(pid: number, part: string): number[] {
  const out = new Deno.Command("ps", { args: ["-eo", "pid=,ppid=,args="] }).outputSync();
  return new TextDecoder().decode(out.stdout).split("\n")
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m) => m && Number(m[2]) === pid && m[3].includes(part))
    .map((m) => Number(m![1]));
}

async function soloKey(cache: string): Promise<string> {
  const plan = await runCli(["plan", PIPELINE, "--cache-dir", cache, "--json", ...LONG_EPOCH]);
  return JSON.parse(plan.stdout).steps[0].key;
}

async function checkpointState(cache: string, key: string) {
  const text = await Deno.readTextFile(join(cache, "work", key, "checkpoint", "state.json"));
  return JSON.parse(text) as { epoch: number; batch: number };
}

/** Ctrl-C to the group of `argv(cache)`; checks the stop, then that a rerun resumes there. */
async function ctrlCThenResume(argv: (cache: string) => string[]): Promise<void> {
  const cache = await tempCache();
  const key = await soloKey(cache);
  const run = new GroupLeader(argv(cache));
  await run.waitFor(TRAINING);
  run.signalGroup("SIGINT");
  const { code, stdout, stderr } = await run.done;

  equal(code, 130, stderr);
  equal(stderr.match(/^stopping:/gm)?.length, 1, `one stopping line:\n${stderr}`);
  const stop = stderr.match(/solo: interrupted: Stopped at epoch 1, batch (\d+); checkpoint saved/);
  ok(stop, `the step is interrupted at a batch:\n${stderr}`);
  equal(/failed|bug/.test(stderr), false, stderr);
  match(stdout, /solo\s+interrupted/);
  const batch = Number(stop[1]);
  ok(batch > 0, "stopped inside the epoch");
  const saved = await checkpointState(cache, key);
  deepEqual([saved.epoch, saved.batch], [0, batch], "the checkpoint is at the stopping batch");

  const plan = await runCli(["plan", PIPELINE, "--cache-dir", cache, ...LONG_EPOCH]);
  match(plan.stdout, new RegExp(`will resume at epoch 1, batch ${batch}\\b`));
  const rerun = await runCli(cpuRunArgs(PIPELINE, cache, "--json", ...LONG_EPOCH));
  equal(rerun.code, 0, rerun.stderr);
  match(rerun.stderr, new RegExp(`solo: resuming from checkpoint at epoch 1, batch ${batch}\\b`));
  deepEqual(statuses(summary(rerun)), { solo: "ran" });
  await Deno.remove(cache, { recursive: true });
}

Deno.test("Ctrl-C to the process group of the CLI and its worker: checkpoint at the batch, interrupted, exit 130, rerun resumes there", async () => {
  await ctrlCThenResume((cache) => [
    Deno.execPath(),
    ...cliArgs(cpuRunArgs(PIPELINE, cache, ...LONG_EPOCH)),
  ]);
});

Deno.test("Ctrl-C to the process group of `deno task run`, the CLI and its worker: the same", async () => {
  await ctrlCThenResume((cache) => [
    Deno.execPath(),
    "task",
    "--quiet",
    ...cpuRunArgs(PIPELINE, cache, ...LONG_EPOCH),
  ]);
});

Deno.test("a worker killed by SIGKILL is a failure that names the signal and memory, not an interruption", async () => {
  const cache = await tempCache();
  const run = new GroupLeader([
    Deno.execPath(),
    ...cliArgs(cpuRunArgs(PIPELINE, cache, ...LONG_EPOCH)),
  ]);
  await run.waitFor(TRAINING);
  const workers = childrenOf(run.child.pid, "--key");
  equal(workers.length, 1, `one worker under the CLI: ${workers}`);
  // Only the worker, as the kernel's out-of-memory killer would.
  Deno.kill(workers[0], "SIGKILL");
  const { code, stdout, stderr } = await run.done;

  equal(code, 1, stderr);
  match(
    stderr,
    /step "solo" failed \(killed\): worker killed by signal SIGKILL, likely out of memory/,
  );
  equal(/interrupted|stopping/.test(stderr), false, stderr);
  match(stdout, /solo\s+failed/);
  await Deno.remove(cache, { recursive: true });
});
