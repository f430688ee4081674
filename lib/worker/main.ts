/**
 * The worker: runs one step by key in its own process. Used by the local process pool and by
 * cluster jobs alike:
 *
 *   deno run … lib/worker/main.ts --cache-dir DIR --key KEY [--parent-pid PID]
 *
 * It reads the step spec from the key's work folder (the step, and the run's settings: executor,
 * data dir, verify, force), takes the key's lock (waiting while another live process computes the
 * same key), runs the step and commits its outputs atomically. Events go to stdout as JSON lines;
 * human-readable logs to stderr.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { hostname } from "node:os";
import { errorPath, isNoSpace, noSpaceError, PipelineError } from "../errors.ts";
import { loadExecutor } from "../executors/mod.ts";
import { LocalStore } from "../store/local_store.ts";
import { clearCheckpoint } from "../train/checkpoint.ts";
import { machineProvenance } from "./machine.ts";
import type { StepContext, StepOutput } from "./context.ts";
import { emit } from "./events.ts";
import { isExpectedError } from "./expected_error.ts";
import { readSpec } from "./spec.ts";
import { processAlive } from "../util/process.ts";
import { listenForStop } from "../util/stop_signals.ts";
import { stepDeniedError } from "../permissions/step_denied.ts";

const { values: args } = parseArgs({
  options: {
    "cache-dir": { type: "string" },
    key: { type: "string" },
    "parent-pid": { type: "string" },
  },
});
const cacheDir = args["cache-dir"]!, key = args.key!;
if (!cacheDir || !key) {
  console.error("usage: worker --cache-dir DIR --key KEY [--parent-pid PID]");
  Deno.exit(2);
}

const store = new LocalStore(cacheDir);
const workDir = store.workDir(key);
const spec = await readSpec(workDir);
const stepName = spec.step.name;
const log = (message: string) => emit({ t: "log", step: stepName, message });

let stopRequested = false;
listenForStop({
  stop: () => stopRequested = true,
  // A Ctrl-C pressed again later: leave now; the last checkpoint (if any) stays.
  quit() {
    emit({
      t: "error",
      step: stepName,
      reason: "interrupted",
      message: "stopped at once on a second signal; the last checkpoint is kept",
    });
    Deno.exit(130);
  },
});
const parentPid = args["parent-pid"] ? Number(args["parent-pid"]) : undefined;
if (parentPid) {
  const timer = setInterval(() => {
    // The interpreter died (kill -9): checkpoint and leave rather than train unobserved.
    if (!processAlive(parentPid)) stopRequested = true;
  }, 1000);
  Deno.unrefTimer(timer);
}

async function main(): Promise<number> {
  const started = performance.now();
  let lock = undefined;
  while (true) {
    const found = await store.lookup(key);
    if (found.status === "ok" && !spec.env.force) {
      emit({ t: "done", step: stepName, cached: true, result: found.manifest.result, seconds: 0 });
      return 0;
    }
    lock = await store.tryLock(key, { what: `${spec.pipeline}:${stepName}` });
    if (lock) break;
    const owner = store.lockOwner(key);
    emit({
      t: "waiting",
      step: stepName,
      owner: owner ? `${owner.host}:${owner.pid}` : "another process",
    });
    if (stopRequested) {
      throw new PipelineError("Stopped while waiting for the step's lock", {
        step: stepName,
        reason: "interrupted",
      });
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  try {
    // Re-check under the lock: another process may have committed while we waited.
    const found = await store.lookup(key);
    if (found.status === "ok" && !spec.env.force) {
      emit({ t: "done", step: stepName, cached: true, result: found.manifest.result, seconds: 0 });
      return 0;
    }
    if (found.status !== "missing") {
      await store.trash(key, found.status === "corrupt" ? found.problem : undefined);
    }
    const executor = await loadExecutor(spec.env.executor);
    emit({ t: "start", step: stepName, executor: executor.name, threads: executor.threads });
    const ctx: StepContext = {
      spec,
      store,
      executor,
      workDir,
      shouldStop: () => stopRequested,
      log,
    };
    const run = spec.step.kind === "train"
      ? (await import("./train_step.ts")).runTrainStep
      : (await import("./ensemble_step.ts")).runEnsembleStep;
    const out: StepOutput = await run(ctx);
    const provenance = {
      executor: executor.name,
      backend: executor.backend,
      threads: executor.threads,
      versions: { ...executor.versions, deno: Deno.version.deno },
      host: hostname(),
      ...(await machineProvenance(executor.name)),
      ...(spec.origin ?? {}),
      seconds: (performance.now() - started) / 1000,
      ...(out.provenance ?? {}),
    };
    const manifest = await store.commit(key, async (dir) => {
      await out.write(dir);
      return {
        step: stepName,
        pipeline: spec.pipeline,
        record: spec.record,
        result: out.result,
        provenance,
      };
    }).catch((e) => {
      if (!isNoSpace(e)) throw e;
      throw noSpaceError(
        store.root,
        "committing the step's outputs",
        "nothing was committed: free space and run again",
      );
    });
    // Remembered here too, not only by the interpreter: the entry of a worker that outlived its
    // run (a cluster job, an interpreter killed) stays referenced, so gc keeps it.
    await store.rememberName(spec.pipeline, stepName, { key, record: spec.record });
    await clearCheckpoint(workDir);
    emit({
      t: "done",
      step: stepName,
      cached: false,
      result: manifest.result,
      seconds: (performance.now() - started) / 1000,
    });
    return 0;
  } finally {
    lock.release();
  }
}

try {
  Deno.exit(await main());
} catch (thrown) {
  // Any other write on a full disk (the lock, a log): name the place, not a stack.
  const e = isNoSpace(thrown)
    ? noSpaceError(errorPath(thrown) ?? cacheDir, "writing", "free space and run again")
    : stepDeniedError(thrown, {
      file: spec.file,
      step: stepName,
      cacheDir,
      dataDir: spec.env.dataDir,
    }) ??
      thrown;
  if (e instanceof PipelineError) {
    emit({ t: "error", step: stepName, reason: e.reason, message: e.message });
    Deno.exit(e.reason === "interrupted" ? 130 : 1);
  }
  // Errors plugins raise on purpose (bad data, an impossible transfer) read as one line;
  // anything else is a bug and keeps its stack.
  const expected = e instanceof Error && isExpectedError(e);
  const message = e instanceof Error
    ? (expected ? `${e.name}: ${e.message}` : (e.stack ?? e.message))
    : String(e);
  emit({ t: "error", step: stepName, reason: expected ? "step-failed" : "bug", message });
  Deno.exit(1);
}
