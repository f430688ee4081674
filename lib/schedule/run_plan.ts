/**
 * Executes a plan: cached steps are reported at once; the rest run in topological order on a
 * launcher, up to `jobs` at a time, each as soon as its inputs are committed. A failing step
 * fails the run: steps that need it are skipped, nothing new starts, running steps finish, and
 * every committed step stays committed. A step whose entry is corrupt has it moved to trash first
 * (with a note of why) and runs again; a fully cached plan writes nothing it does not have to, so
 * a read-only cache serves what it holds.
 *
 * @module
 */
import { upstreamOf } from "../spec/step.ts";
import type { JsonObject } from "../plugin/descriptor.ts";
import type { NameRecord, Plan, PlanItem } from "../plan/plan.ts";
import { isReadOnlyError, readOnlyCacheError } from "../store/read_only.ts";
import type { Store } from "../store/store.ts";
import type { WorkerEvent } from "../worker/events.ts";
import type { ExecutorName } from "../executors/table.ts";
import { writeSpec } from "../worker/spec.ts";
import type { RunOrigin } from "../util/run_origin.ts";
import type { Launcher, StepOutcome } from "./launcher.ts";

/** What became of one step. */
export interface StepReport {
  name: string;
  key: string;
  status: "cached" | "ran" | "failed" | "skipped" | "interrupted";
  result?: JsonObject;
  seconds: number;
  error?: { reason: string; message: string; logTail?: string };
}

/** Options for {@linkcode runPlan}. */
export interface RunOptions {
  jobs: number;
  executor: ExecutorName;
  launcher: Launcher;
  dataDir: string;
  verify: boolean;
  /** The command line and git revision of the run, recorded in each step's provenance. */
  origin?: RunOrigin;
  onEvent?: (event: WorkerEvent) => void;
  onStepDone?: (report: StepReport) => void;
  /** Becomes true when the user asked to stop (Ctrl-C). */
  stopped?: () => boolean;
  /** A line to show the user (a corrupt entry moved to trash). */
  onNote?: (line: string) => void;
}

/** Run a write the plan needs; a read-only cache becomes an error naming the path. */
async function writing<T>(store: Store, doing: string, step: string, f: () => Promise<T>) {
  try {
    return await f();
  } catch (e) {
    if (!isReadOnlyError(e)) throw e;
    throw readOnlyCacheError(
      store.root,
      e,
      doing,
      "it can serve cached steps only; run with a writable --cache-dir to train",
      step,
    );
  }
}

/**
 * Remember a step's key record under its pipeline name, unless it already is; a cache that
 * cannot be written keeps what it remembers (it only explains key changes and guides gc).
 */
async function remember(store: Store, pipeline: string, item: PlanItem): Promise<void> {
  const prior = await store.recallName<NameRecord>(pipeline, item.step.name);
  if (prior?.key === item.key) return;
  await store.rememberName(pipeline, item.step.name, { key: item.key, record: item.record })
    .catch((e) => {
      if (!isReadOnlyError(e)) throw e;
    });
}

/** Run every step of `plan` that is not cached. */
export async function runPlan(plan: Plan, store: Store, o: RunOptions): Promise<StepReport[]> {
  const first = plan.items.find((i) => i.status === "run");
  if (first) {
    await writing(store, "making the cache's folders", first.step.name, () => store.init());
  }
  // Claimed before any spec is written or cached entry relied on: gc keeps these keys meanwhile.
  using _claim = await store.claim(plan.items.map((i) => i.key), {
    what: `run ${plan.graph.pipeline}`,
  });
  const reports = new Map<string, StepReport>();
  const done = (r: StepReport) => {
    reports.set(r.name, r);
    o.onStepDone?.(r);
  };
  const keyOf = new Map(plan.items.map((i) => [i.step.name, i.key]));
  for (const item of plan.items) {
    const found = item.status === "cached" ? await store.lookup(item.key) : undefined;
    if (found && found.status !== "ok") {
      // Removed (by gc) or damaged after planning: compute it again.
      item.status = "run";
      if (found.status === "corrupt") item.corrupt = found.problem;
      item.reasons.push(
        found.status === "corrupt"
          ? `cache entry became corrupt after planning (${found.problem})`
          : "removed from the cache after planning",
      );
    }
    if (item.status === "cached") {
      done({
        name: item.step.name,
        key: item.key,
        status: "cached",
        result: item.result,
        seconds: 0,
      });
      await remember(store, plan.graph.pipeline, item);
    }
  }
  for (const item of plan.items) {
    if (item.status !== "run" || item.corrupt === undefined) continue;
    const why = item.corrupt;
    const to = await writing(
      store,
      "moving a corrupt entry to trash",
      item.step.name,
      () => store.quarantine(item.key, why),
    );
    if (to) {
      o.onNote?.(`${item.step.name}: corrupt cache entry moved to ${to}; it runs again`);
    }
  }
  const pending = plan.items.filter((i) => i.status === "run");
  const running = new Map<string, Promise<[PlanItem, StepOutcome]>>();
  const itemOf = new Map(plan.items.map((i) => [i.step.name, i]));
  /** Steps put back once because an input was corrupt when their worker read it. */
  const retried = new Set<string>();
  let failed = false;

  while (pending.length || running.size) {
    if (!failed && !o.stopped?.()) {
      for (let i = 0; i < pending.length && running.size < o.jobs;) {
        const item = pending[i];
        const ups = upstreamOf(item.step).map((u) => reports.get(u));
        if (ups.some((u) => !u)) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        if (ups.some((u) => u!.status !== "cached" && u!.status !== "ran")) {
          done({ name: item.step.name, key: item.key, status: "skipped", seconds: 0 });
          continue;
        }
        const spec = {
          pipeline: plan.graph.pipeline,
          file: plan.graph.file,
          key: item.key,
          step: item.step,
          record: item.record,
          upstream: Object.fromEntries(upstreamOf(item.step).map((u) => [u, keyOf.get(u)!])),
          origin: o.origin,
          env: { executor: o.executor, dataDir: o.dataDir, verify: o.verify, force: item.force },
        };
        await writing(
          store,
          `writing the spec of step "${item.step.name}"`,
          item.step.name,
          () => writeSpec(store.workDir(item.key), spec),
        );
        running.set(
          item.step.name,
          o.launcher.launch({
            key: item.key,
            step: item.step.name,
            cacheDir: store.root,
            executor: o.executor,
            onEvent: (e) => o.onEvent?.(e),
          }).then((outcome) => [item, outcome]),
        );
      }
    }
    if (!running.size) {
      // Nothing can start: the rest waits on failed or stopped steps.
      for (const item of pending.splice(0)) {
        done({ name: item.step.name, key: item.key, status: "skipped", seconds: 0 });
      }
      break;
    }
    const [item, outcome] = await Promise.race(running.values());
    running.delete(item.step.name);
    if (outcome.ok) {
      done({
        name: item.step.name,
        key: item.key,
        status: outcome.cached ? "cached" : "ran",
        result: outcome.result,
        seconds: outcome.seconds,
      });
      await store.rememberName(plan.graph.pipeline, item.step.name, {
        key: item.key,
        record: item.record,
      });
    } else if (outcome.reason === "input-corrupt" && !retried.has(item.step.name)) {
      // An input was damaged (or removed) after planning, and its worker moved it aside: train
      // it again, then this step, which waits for it.
      retried.add(item.step.name);
      for (const name of upstreamOf(item.step)) {
        const up = itemOf.get(name)!;
        if (pending.includes(up) || running.has(name)) continue;
        if ((await store.lookup(up.key)).status === "ok") continue;
        reports.delete(name);
        up.status = "run";
        up.reasons.push("its entry was corrupt when a dependant read it");
        pending.push(up);
        o.onNote?.(`${name}: ${outcome.message}; it runs again before ${item.step.name}`);
      }
      pending.push(item);
    } else {
      failed = true;
      const status = outcome.reason === "interrupted" ? "interrupted" : "failed";
      done({ name: item.step.name, key: item.key, status, seconds: 0, error: outcome });
    }
  }
  return plan.items.map((i) => reports.get(i.step.name)!);
}
