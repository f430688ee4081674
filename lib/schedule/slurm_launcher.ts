/**
 * The Slurm launcher: each ready step is an `sbatch` job running the same worker command by key
 * as a local run. The interpreter stays on the login node, follows each job's events through a
 * file in the step's work folder and its state through squeue / scontrol, resubmits (bounded)
 * steps stopped by time limit, preemption or node failure, which resume from their checkpoint,
 * and cancels what it submitted on Ctrl-C.
 *
 * Files of a step, beside its checkpoint in `work/<key>/`:
 *
 * ```
 * slurm.sh               the batch script as submitted (resubmit by hand with `sbatch slurm.sh`)
 * slurm-job.json         the job id of the latest submission
 * slurm-submit.lock      held by the interpreter that follows the job (a second one waits)
 * events-<jobid>.jsonl   the worker's events (stdout)
 * worker.log             the worker's log (stderr), appended across submissions
 * ```
 *
 * @module
 */
import { hostname } from "node:os";
import { PipelineError } from "../errors.ts";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { type HeldLock, lockIsLive, readLock, tryAcquireLock } from "../store/lock.ts";
import { workFiles } from "../store/layout.ts";
import { LocalStore } from "../store/local_store.ts";
import type { WorkerEvent } from "../worker/events.ts";
import { readSpec } from "../worker/spec.ts";
import type { Launcher, LaunchRequest, StepOutcome } from "./launcher.ts";
import { cancelJobs, cancelJobsSync, queryJobs, slurmCommand, submitJob } from "./slurm_cli.ts";
import { EventTail } from "./slurm_event_tail.ts";
import { parseSlurmOptions, resourcesFor, type SlurmOptions } from "./slurm_options.ts";
import { SlurmPoller, type SlurmPollerOptions } from "./slurm_poller.ts";
import { probeCluster } from "./slurm_probe.ts";
import { jobScript } from "./slurm_script.ts";
import { formatDuration, isFinal, type JobInfo, judgeJob } from "./slurm_state.ts";
import { workerArgs } from "./worker_command.ts";

/** Paths of a step's Slurm files. */
function stepFiles(workDir: string) {
  const f = workFiles(workDir);
  return {
    workDir,
    script: f.slurmScript,
    job: f.slurmJob,
    claim: f.slurmClaim,
    log: f.log,
    events: f.slurmEvents,
  };
}
type StepFiles = ReturnType<typeof stepFiles>;

/** What `slurm-job.json` records. */
interface JobRecord {
  job: string;
  attempt: number;
  submitted: string;
  by: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tail(path: string, lines = 20): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Options for {@linkcode SlurmLauncher} besides the Slurm settings. */
export interface SlurmLauncherOptions {
  poller?: SlurmPollerOptions;
  /** How often a job's events file is read. Default 500 ms. */
  tailMs?: number;
}

/** Runs each step as a Slurm batch job. */
export class SlurmLauncher implements Launcher {
  readonly name = "slurm";
  #poller: SlurmPoller;
  #tailMs: number;
  /** Jobs submitted (or adopted) and not yet seen to end. */
  #active = new Set<string>();
  #cancelled = new Set<string>();
  #stopping = false;
  #probe?: Promise<string | undefined>;

  constructor(readonly options: SlurmOptions, more: SlurmLauncherOptions = {}) {
    this.#poller = new SlurmPoller(more.poller);
    this.#tailMs = more.tailMs ?? 500;
    // A second Ctrl-C exits at once: cancel what is still queued or running on the way out.
    globalThis.addEventListener("unload", () => cancelJobsSync([...this.#active]));
  }

  async launch(req: LaunchRequest): Promise<StepOutcome> {
    const store = new LocalStore(req.cacheDir);
    const files = stepFiles(store.workDir(req.key));
    const log = (message: string) => req.onEvent({ t: "log", step: req.step, message });
    const probeError = await this.#probeOnce(req.cacheDir, log);
    if (this.#stopping) return this.#interrupted("stopped before its job was submitted");
    if (probeError) return { ok: false, reason: "probe-failed", message: probeError };
    const force = (await readSpec(files.workDir)).env.force;
    const claim = await this.#claim(req, store, files, force);
    if ("outcome" in claim) return claim.outcome;
    try {
      return await this.#run(req, store, files, force, claim.adopt, log);
    } finally {
      claim.lock.release();
    }
  }

  async stopAll(): Promise<void> {
    this.#stopping = true;
    const ids = [...this.#active];
    for (const id of ids) this.#cancelled.add(id);
    await cancelJobs(ids);
    this.#poller.wake();
  }

  #interrupted(message: string): StepOutcome {
    return { ok: false, reason: "interrupted", message };
  }

  #track(id: string): void {
    this.#active.add(id);
    // Submitted while Ctrl-C was being handled: cancel it too.
    if (this.#stopping) {
      this.#cancelled.add(id);
      cancelJobs([id]);
    }
  }

  #watch(id: string, onChange?: (job: JobInfo) => void): Promise<JobInfo> {
    return this.#poller.watch(id, onChange).finally(() => this.#active.delete(id));
  }

  /** The probe job, once per run; resolves to an error message or undefined. */
  #probeOnce(cacheDir: string, log: (m: string) => void): Promise<string | undefined> {
    if (!this.options.probe) return Promise.resolve(undefined);
    this.#probe ??= probeCluster({
      cacheDir,
      projectRoot: PROJECT_ROOT,
      denoPath: Deno.execPath(),
      resources: this.options.defaults,
      wait: (id) => this.#watch(id),
      submitted: (id) => {
        this.#track(id);
        log(`checking that compute nodes see the cache (probe job ${id})`);
      },
    }).then((r) => r.ok ? undefined : r.message);
    return this.#probe;
  }

  /**
   * Become the one interpreter that submits and follows `req`'s job, or wait while another
   * interpreter (or a worker anywhere) computes it. A job recorded by an interpreter that is
   * gone and still queued or running is adopted rather than submitted again.
   */
  async #claim(
    req: LaunchRequest,
    store: LocalStore,
    files: StepFiles,
    force: boolean,
  ): Promise<{ lock: HeldLock; adopt?: JobRecord } | { outcome: StepOutcome }> {
    let announced = false;
    while (true) {
      const found = force ? undefined : await store.lookup(req.key);
      if (found?.status === "ok") {
        return { outcome: { ok: true, cached: true, result: found.manifest.result, seconds: 0 } };
      }
      let owner: string;
      const lock = tryAcquireLock(files.claim, { what: `${req.step} (Slurm submission)` });
      if (lock) {
        const adopt = await this.#adoptable(files, req.key);
        const worker = store.lockPath(req.key);
        if (adopt || !lockIsLive(worker)) return { lock, adopt };
        // A worker outside any job of ours (a local run) holds the step: let it finish.
        lock.release();
        const w = readLock(worker);
        owner = w ? `${w.host}:${w.pid}` : "another process";
      } else {
        const c = readLock(files.claim);
        const job = await readJobRecord(files);
        owner = `${c ? `${c.host}:${c.pid}` : "another run"}${
          job ? ` (Slurm job ${job.job})` : ""
        }`;
      }
      if (!announced) req.onEvent({ t: "waiting", step: req.step, owner });
      announced = true;
      if (this.#stopping) {
        return { outcome: this.#interrupted(`stopped while waiting for ${owner}`) };
      }
      await sleep(1000);
    }
  }

  /** The recorded job of this step, if Slurm still has it queued or running. */
  async #adoptable(files: StepFiles, key: string): Promise<JobRecord | undefined> {
    const record = await readJobRecord(files);
    if (!record) return undefined;
    const job = (await queryJobs([record.job]))?.get(record.job);
    // Job ids restart when a cluster is reinstalled: the comment says whose job it is.
    if (!job || isFinal(job.state) || job.comment !== `born-again:${key}`) return undefined;
    return record;
  }

  async #submit(
    req: LaunchRequest,
    files: StepFiles,
    attempt: number,
    log: (m: string) => void,
  ): Promise<string> {
    const spec = await readSpec(files.workDir);
    const resources = resourcesFor(this.options, req.step);
    const script = jobScript({
      name: `ba-${spec.pipeline}-${req.step}`,
      comment: `born-again:${req.key}`,
      chdir: PROJECT_ROOT,
      output: files.events("%j"),
      error: files.log,
      resources,
      signalSeconds: this.options.signalSeconds,
      command: [Deno.execPath(), ...workerArgs(req.cacheDir, req.key, req.executor)],
      env: { NO_COLOR: "1" },
      notes: [
        `born-again: step "${req.step}" of pipeline "${spec.pipeline}" (${spec.file}), key ${req.key}`,
        "The worker's events (JSON lines) go to stdout, its log to stderr.",
      ],
    });
    await Deno.writeTextFile(files.script, script);
    await Deno.writeTextFile(
      files.log,
      `=== ${new Date().toISOString()}: submitting ${files.script} (attempt ${attempt}) ===\n`,
      { append: true },
    );
    const id = await submitJob(files.script);
    this.#track(id);
    const record: JobRecord = {
      job: id,
      attempt,
      submitted: new Date().toISOString(),
      by: `${hostname()}:${Deno.pid}`,
    };
    await Deno.writeTextFile(files.job, JSON.stringify(record, null, 1) + "\n");
    const what = [
      resources.partition && `partition ${resources.partition}`,
      resources.time && `time ${resources.time}`,
      resources.gpus && `gpus ${resources.gpus}`,
    ].filter(Boolean).join(", ");
    log(`submitted as Slurm job ${id}${what ? ` (${what})` : ""}`);
    return id;
  }

  /** Submit, follow and resubmit until the step is done, fails or the run stops. */
  async #run(
    req: LaunchRequest,
    store: LocalStore,
    files: StepFiles,
    force: boolean,
    adopt: JobRecord | undefined,
    log: (m: string) => void,
  ): Promise<StepOutcome> {
    const attempts = this.options.retries + 1;
    let attempt = adopt?.attempt ?? 0;
    let job = adopt?.job;
    if (job) {
      this.#track(job);
      log(`following Slurm job ${job}, submitted by ${adopt!.by}`);
    }
    while (true) {
      if (!job) {
        if (this.#stopping) return this.#interrupted("stopped before its job was submitted");
        try {
          job = await this.#submit(req, files, ++attempt, log);
        } catch (e) {
          return { ok: false, reason: "submit-failed", message: (e as Error).message };
        }
      }
      const { info, done, error } = await this.#follow(job, req, files, log);
      const entry = done || force ? undefined : await store.lookup(req.key);
      const committed = !!done || entry?.status === "ok";
      const verdict = judgeJob(info, {
        committed,
        workerError: error,
        cancelledByUs: this.#cancelled.has(job),
        signalSeconds: this.options.signalSeconds,
      });
      if (verdict.kind === "success") {
        if (done) {
          return { ok: true, cached: done.cached, result: done.result, seconds: done.seconds };
        }
        const m = entry?.status === "ok" ? entry.manifest : undefined;
        const seconds = Number(m?.provenance.seconds ?? 0);
        return { ok: true, cached: false, result: m?.result ?? {}, seconds };
      }
      if (verdict.kind === "interrupted") return this.#interrupted(verdict.message);
      if (verdict.kind === "retry") {
        if (this.#stopping) return this.#interrupted(verdict.message);
        if (attempt < attempts) {
          log(
            `${verdict.message}; resubmitting (attempt ${attempt + 1} of ${attempts}), ` +
              "it resumes from its checkpoint",
          );
          job = undefined;
          continue;
        }
        return {
          ok: false,
          reason: verdict.reason,
          message: `${verdict.message}; gave up after ${attempt} attempt${
            attempt > 1 ? "s" : ""
          } (raise --slurm-time or --slurm-retries)`,
          logTail: await tail(files.log),
        };
      }
      return {
        ok: false,
        reason: verdict.reason,
        message: verdict.message,
        logTail: await tail(files.log),
      };
    }
  }

  /** Pass a job's events on until it ends; its final state and the worker's verdict. */
  async #follow(
    id: string,
    req: LaunchRequest,
    files: StepFiles,
    log: (m: string) => void,
  ): Promise<{
    info: JobInfo;
    done?: Extract<WorkerEvent, { t: "done" }>;
    error?: { reason: string; message: string };
  }> {
    const events = new EventTail(files.events(id));
    let done: Extract<WorkerEvent, { t: "done" }> | undefined;
    let error: { reason: string; message: string } | undefined;
    const pass = async () => {
      for (const e of await events.read()) {
        req.onEvent(e);
        if (e.t === "done") done = e;
        if (e.t === "error") error = e;
        // The worker is finishing: look at the job now rather than at the next backoff tick.
        if (e.t === "done" || e.t === "error") this.#poller.wake();
      }
    };
    let info: JobInfo | undefined;
    const ended = this.#watch(id, (job) => {
      if (job.state === "PENDING" && job.reason !== "None") {
        log(`Slurm job ${id} pending (${job.reason})`);
      } else if (job.state === "RUNNING") {
        log(`Slurm job ${id} running on ${job.nodes} (limit ${formatDuration(job.limitSeconds)})`);
      }
    }).then((job) => info = job);
    while (!info) {
      await pass();
      await Promise.race([ended, sleep(this.#tailMs)]);
    }
    await pass();
    if (!done && !error && !this.#cancelled.has(id)) {
      // On network filesystems the file may lag behind the job's end: look again briefly.
      for (let i = 0; i < 6 && !done && !error; i++) {
        await sleep(500);
        await pass();
      }
    }
    return { info, done, error };
  }
}

async function readJobRecord(files: StepFiles): Promise<JobRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(files.job));
  } catch {
    return undefined;
  }
}

/** Check that the Slurm commands are there and build the launcher (`--scheduler slurm`). */
export async function createLauncher(options?: SlurmOptions): Promise<Launcher> {
  for (const cmd of ["sbatch", "squeue", "scontrol", "scancel"]) {
    const r = await slurmCommand(cmd, ["--version"]);
    if (r.code !== 0) {
      throw new PipelineError(
        `--scheduler slurm needs ${cmd}: ${r.stderr.trim() || `exit code ${r.code}`}`,
        { field: "scheduler", reason: "bad-param" },
      );
    }
  }
  return new SlurmLauncher(options ?? parseSlurmOptions({}));
}
