/** `plan <pipeline>`: every step with cached / will run and the reason; trains nothing. @module */
import { makePlan } from "../../plan/plan.ts";
import { formatCount, formatMetric, table } from "../../progress/format.ts";
import { LocalStore } from "../../store/local_store.ts";
import type { CliOptions } from "../options.ts";
import { plannedParameters } from "../../plan/parameter_counts.ts";
import { planFromOptions } from "./shared.ts";
import { aboutDuration, planEstimate } from "../../doctor/estimate.ts";
import { readDoctorReport } from "../../doctor/rates_file.ts";
import { forcedSteps, sweepOf } from "../../sweep/sweep.ts";
import { configurationsOf, sweepJson, sweepLines } from "../../sweep/describe.ts";

/** Print the plan; returns the exit code. */
export async function planCommand(o: CliOptions): Promise<number> {
  const graph = await planFromOptions(o);
  const store = new LocalStore(o.cacheDir);
  const plan = await makePlan(graph, store, {
    force: forcedSteps(graph, o.force),
    data: { dataDir: o.dataDir, verify: o.verify },
  });
  const sweep = sweepOf(graph);
  const parameters = await Promise.all(plan.items.map((i) => plannedParameters(i.step)));
  const time = planEstimate(plan.items, parameters, o.executor, readDoctorReport());
  if (o.json) {
    console.log(JSON.stringify({
      pipeline: graph.pipeline,
      file: graph.file,
      params: Object.fromEntries(graph.params.map((p) => [p.name, p.value])),
      ...(sweep ? sweepJson(sweep) : {}),
      steps: plan.items.map((i, n) => ({
        name: i.step.name,
        kind: i.step.kind,
        key: i.key,
        status: i.status,
        reasons: i.reasons,
        resume: i.resume ?? null,
        inputs: i.step.inputs,
        parameters: parameters[n] ?? null,
        estimatedSeconds: time.perStep[n] ?? null,
        ...(sweep ? { configurations: configurationsOf(graph, i.step.name) } : {}),
      })),
    }));
    return 0;
  }
  console.log(`${graph.pipeline} (${graph.file})`);
  const params = graph.params.map((p) =>
    `${p.name}=${JSON.stringify(p.value)}${p.value !== p.default ? "*" : ""}`
  );
  console.log(`params: ${params.join(" ")}`);
  for (const line of sweepLines(graph)) console.log(line);
  console.log(table(
    ["step", "kind", "status", "key", "why / result", "params", "time"],
    plan.items.map((i, n) => [
      i.step.name,
      i.step.kind,
      i.status === "cached" ? "cached" : "will run",
      i.key.slice(0, 12),
      i.status === "cached" ? formatMetric(i.result) : i.reasons.join("; "),
      formatCount(parameters[n]),
      time.perStep[n] === undefined ? "" : aboutDuration(time.perStep[n]!).replace("about ", "~"),
    ]),
  ));
  console.log(time.line);
  return 0;
}
