/**
 * Executes a plan: cached steps are reported at once; the rest run in topological order on a
 * launcher, up to `jobs` at a time, each as soon as its inputs are committed. A failing step
 * fails the run: steps that need it are skipped, nothing new starts, running steps finish, and
 * every committed step stays committed.
 *
 * @module
 */
import { upstreamOf } from "../graph/graph.ts";
import type { JsonObject } from "../plugin/descriptor.ts";
import type { Plan, PlanItem } from "../plan/plan.ts";
import type { Store } from "../store/store.ts";
import type { WorkerEvent } from "../worker/events.ts";
import { writeSpec } from "../worker/spec.ts";
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
  executor: string;
  launcher: Launcher;
  dataDir: string;
  verify: boolean;
  onEvent?: (event: WorkerEvent) => void;
  onStepDone?: (report: StepReport) => void;
  /** Becomes true when the user asked to stop (Ctrl-C). */
  stopped?: () => boolean;
}

/** Run every step of `plan` that is not cached. */
export async function runPlan(plan: Plan, store: Store, o: RunOptions): Promise<StepReport[]> {
  await store.init();
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
    if (item.status === "cached" && (await store.lookup(item.key)).status !== "ok") {
      // Removed after planning, before the claim (by gc): compute it again.
      item.status = "run";
      item.reasons.push("removed from the cache after planning");
    }
    if (item.status === "cached") {
      done({
        name: item.step.name,
        key: item.key,
        status: "cached",
        result: item.result,
        seconds: 0,
      });
      await store.rememberName(plan.graph.pipeline, item.step.name, {
        key: item.key,
        record: item.record,
      });
    }
  }
  const pending = plan.items.filter((i) => i.status === "run");
  const running = new Map<string, Promise<[PlanItem, StepOutcome]>>();
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
        await writeSpec(store.workDir(item.key), {
          pipeline: plan.graph.pipeline,
          file: plan.graph.file,
          key: item.key,
          step: item.step,
          record: item.record,
          upstream: Object.fromEntries(upstreamOf(item.step).map((u) => [u, keyOf.get(u)!])),
          dataDir: o.dataDir,
          verify: o.verify,
          force: item.force,
        });
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
    } else {
      failed = true;
      const status = outcome.reason === "interrupted" ? "interrupted" : "failed";
      done({ name: item.step.name, key: item.key, status, seconds: 0, error: outcome });
    }
  }
  return plan.items.map((i) => reports.get(i.step.name)!);
}
