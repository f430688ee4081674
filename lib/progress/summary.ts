/** The results table printed at the end of a run, and its JSON form. @module */
import type { Plan } from "../plan/plan.ts";
import type { StepReport } from "../schedule/run_plan.ts";
import { formatCount, formatMetric, formatSeconds, table } from "./format.ts";

/** One row per step: name, status, metric, parameters, seconds. */
export function summaryTable(reports: StepReport[]): string {
  return table(
    ["step", "status", "metric", "params", "seconds", "key"],
    reports.map((r) => [
      r.name,
      r.status,
      formatMetric(r.result),
      formatCount(r.result?.parameters),
      r.status === "ran" ? formatSeconds(r.seconds) : r.status === "cached" ? "-" : "",
      r.key.slice(0, 12),
    ]),
  );
}

/** The summary as one JSON-ready object. */
export function summaryJson(plan: Plan, reports: StepReport[], seconds: number) {
  return {
    pipeline: plan.graph.pipeline,
    file: plan.graph.file,
    params: Object.fromEntries(plan.graph.params.map((p) => [p.name, p.value])),
    ok: reports.every((r) => r.status === "cached" || r.status === "ran"),
    seconds,
    steps: reports.map((r) => ({
      name: r.name,
      key: r.key,
      status: r.status,
      metrics: r.result ?? null,
      parameters: r.result?.parameters ?? null,
      seconds: r.seconds,
      ...(r.error ? { error: r.error } : {}),
    })),
  };
}
