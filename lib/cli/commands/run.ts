/**
 * `run <pipeline>`: plan, say what is cached and what will run and why, train what is missing with
 * live progress, and end with the results table (or `--json`).
 *
 * @module
 */
import { PipelineError } from "../../errors.ts";
import { makePlan } from "../../plan/plan.ts";
import { createReporter } from "../../progress/reporter.ts";
import { rateUnit } from "../../progress/footer.ts";
import { upstreamOf } from "../../spec/step.ts";
import { summaryJson, summaryTable } from "../../progress/summary.ts";
import type { Launcher } from "../../schedule/launcher.ts";
import { LocalLauncher } from "../../schedule/local_launcher.ts";
import { runPlan } from "../../schedule/run_plan.ts";
import { LocalStore } from "../../store/local_store.ts";
import { listenForStop } from "../../util/stop_signals.ts";
import { executorLines, runEstimate } from "../../doctor/run_line.ts";
import { planFromOptions } from "./shared.ts";
import { forcedSteps, sweepOf } from "../../sweep/sweep.ts";
import { sweepJson, sweepLines } from "../../sweep/describe.ts";
import { reportAfterRun } from "./report.ts";
import { runOrigin } from "../../util/run_origin.ts";
import type { CliOptions } from "../options.ts";

/** Pick the launcher for `--scheduler`. */
async function makeLauncher(o: CliOptions): Promise<Launcher> {
  if (o.scheduler === "local") return new LocalLauncher();
  const modules: Record<string, string> = { slurm: "../../schedule/slurm_launcher.ts" };
  if (!(o.scheduler in modules)) {
    throw new PipelineError(`--scheduler must be local or slurm: got ${o.scheduler}`, {
      field: "scheduler",
      reason: "bad-param",
    });
  }
  const mod = await import(modules[o.scheduler]);
  return await mod.createLauncher(o.slurm);
}

/** Run a pipeline; returns the process exit code. */
export async function runCommand(o: CliOptions): Promise<number> {
  const started = performance.now();
  const graph = await planFromOptions(o);
  const store = new LocalStore(o.cacheDir);
  await store.init();
  const reporter = createReporter({ quiet: o.quiet });
  const plan = await makePlan(graph, store, {
    force: forcedSteps(graph, o.force),
    data: { dataDir: o.dataDir, verify: o.verify },
  });
  const toRun = plan.items.filter((i) => i.status === "run");
  reporter.line(
    `${graph.pipeline}: ${plan.items.length} steps, ${
      plan.items.length - toRun.length
    } cached, ${toRun.length} to run` +
      (toRun.length
        ? ` (executor ${o.executor}, ${o.jobs} job${o.jobs > 1 ? "s" : ""}, cache ${o.cacheDir})`
        : ""),
  );
  for (const line of sweepLines(graph)) reporter.line(line);
  for (const i of toRun) reporter.line(`  ${i.step.name}: ${i.reasons.join("; ")}`);
  // Which executor the workers will load, why faster ones are passed over (Slurm nodes decide
  // for themselves).
  let chosen: string | undefined;
  if (toRun.length && o.scheduler === "local") {
    const said = await executorLines(o.executor, o.cacheDir);
    for (const line of said.lines) reporter.line(line);
    chosen = said.chosen;
  }
  const time = toRun.length ? await runEstimate(plan.items, chosen ?? o.executor) : undefined;
  if (time) reporter.line(time.line);
  reporter.run({
    pipeline: graph.pipeline,
    jobs: o.jobs,
    steps: plan.items.map((i, n) => ({
      name: i.step.name,
      kind: i.step.kind,
      status: i.status,
      inputs: upstreamOf(i.step),
      unit: rateUnit(i.step.domain),
      estimatedSeconds: time?.perStep[n],
    })),
  });
  const launcher = await makeLauncher(o);

  let stopped = false;
  const stopListening = listenForStop({
    stop() {
      stopped = true;
      reporter.line(
        "stopping: running steps save a checkpoint (press Ctrl-C again to quit at once)",
      );
      launcher.stopAll();
    },
    quit() {
      // The workers take this second request as theirs to leave at once too.
      launcher.stopAll();
      reporter.line("quitting at once; running steps keep their last checkpoint");
      Deno.exit(130);
    },
  });
  let reports;
  try {
    reports = await runPlan(plan, store, {
      jobs: o.jobs,
      executor: o.executor,
      launcher,
      dataDir: o.dataDir,
      verify: o.verify,
      origin: await runOrigin(Deno.args),
      onEvent: (e) => reporter.event(e),
      onStepDone: (r) => reporter.stepDone(r),
      onNote: (line) => reporter.line(line),
      stopped: () => stopped,
    });
  } finally {
    stopListening();
    reporter.close();
  }
  const seconds = (performance.now() - started) / 1000;
  for (const r of reports) {
    if (r.status === "failed") {
      console.error(
        `\nerror: ${graph.file}: step "${r.name}" failed (${r.error?.reason}): ${r.error?.message}`,
      );
      if (r.error?.logTail) {
        console.error(
          `--- last lines of ${store.layout.workFiles(r.key).log} ---\n${r.error.logTail}`,
        );
      }
    }
  }
  const report = await reportAfterRun(plan, store, o);
  if (o.json) {
    const sweep = sweepOf(graph);
    console.log(
      JSON.stringify({
        ...summaryJson(plan, reports, seconds),
        ...(sweep ? sweepJson(sweep) : {}),
      }),
    );
    // Keep stdout's last line the JSON summary.
    console.error(report.line);
  } else {
    console.log(
      `\n${summaryTable(reports)}\n\n${graph.pipeline}: finished in ${seconds.toFixed(1)}s` +
        (time?.summary ? ` (estimated ${time.summary})` : ""),
    );
    // The paper-style table: steps grouped over seeds, Δ vs the teacher.
    if (report.table) console.log(`\n${report.table}`);
    console.log(report.line);
  }
  if (reports.some((r) => r.status === "interrupted") || stopped) return 130;
  return reports.every((r) => r.status === "cached" || r.status === "ran") ? 0 : 1;
}
