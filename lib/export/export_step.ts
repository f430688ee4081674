/**
 * Export one planned step's cached model: its weights in a chosen format, `export.json` (model
 * plugin, params, seed, results), `preprocessing.json` and a `README.md`. An ensemble exports
 * each member into `members/<name>/` and says in `ensemble.json` how their outputs are combined.
 *
 * @module
 */
import { join } from "node:path";
import { PipelineError } from "../errors.ts";
import type { Plan, PlanItem } from "../plan/plan.ts";
import type { DataEnv } from "../plugin/runtime.ts";
import type { Store } from "../store/store.ts";
import { closest } from "../util/suggest.ts";
import { type ExportFormat, LAYOUT_NOTE, writeWeights } from "./formats.ts";
import { describePreprocessing } from "./preprocessing.ts";
import { exportReadme } from "./readme.ts";
import { readModelTensors } from "./tensors.ts";

/** Options of {@linkcode exportStep}. */
export interface ExportOptions {
  format: ExportFormat;
  outDir: string;
  data: DataEnv;
  /** The command that trains what is missing (for the "not cached" message). */
  runCommand: string;
}

/** What was written. */
export interface ExportResult {
  step: string;
  key: string;
  kind: "train" | "ensemble";
  format: ExportFormat;
  dir: string;
  files: string[];
}

/** Export `stepName` of `plan` from `store`; throws a {@linkcode PipelineError} naming the step. */
export async function exportStep(
  plan: Plan,
  store: Store,
  stepName: string,
  o: ExportOptions,
): Promise<ExportResult> {
  const file = plan.graph.file;
  const item = plan.items.find((i) => i.step.name === stepName);
  if (!item) {
    const names = plan.items.map((i) => i.step.name);
    const guess = closest(stepName, names);
    throw new PipelineError(
      `no step "${stepName}"${guess ? `: did you mean ${guess}?` : ""} ` +
        `(steps: ${names.join(", ")})`,
      { file, field: "step", reason: "unknown-step" },
    );
  }
  const members = item.step.kind === "ensemble" ? item.step.inputs.members ?? [] : [];
  const items = item.step.kind === "ensemble"
    ? members.map((m) => plan.items.find((i) => i.step.name === m)!)
    : [item];
  const missing = [...new Set([item, ...items])].filter((i) => i.status !== "cached");
  if (missing.length) {
    const list = missing.map((i) => `${i.step.name} (${i.key.slice(0, 12)})`).join(", ");
    throw new PipelineError(
      `not cached: ${list}; nothing to export. Train ${missing.length > 1 ? "them" : "it"} ` +
        `with\n  ${o.runCommand}`,
      { file, step: stepName, reason: "missing-file" },
    );
  }
  await Deno.mkdir(o.outDir, { recursive: true });
  const files: string[] = [];
  const models: { item: PlanItem; dir: string }[] = item.step.kind === "ensemble"
    ? items.map((i) => ({ item: i, dir: join("members", safe(i.step.name)) }))
    : [{ item, dir: "" }];
  for (const m of models) {
    files.push(...(await exportModel(plan, store, m.item, o, m.dir)).map((f) => join(m.dir, f)));
  }
  const first = models[0].item;
  const pre = await describePreprocessing(first.step.dataset, o.data);
  await Deno.writeTextFile(join(o.outDir, "preprocessing.json"), JSON.stringify(pre, null, 1));
  files.push("preprocessing.json");
  if (item.step.kind === "ensemble") {
    await Deno.writeTextFile(
      join(o.outDir, "ensemble.json"),
      JSON.stringify(
        {
          pipeline: plan.graph.pipeline,
          step: item.step.name,
          key: item.key,
          combine: "mean of the members' softmax(logits); the prediction is its argmax",
          members: models.map((m) => ({ step: m.item.step.name, key: m.item.key, dir: m.dir })),
          result: item.result ?? null,
        },
        null,
        1,
      ),
    );
    files.push("ensemble.json");
  }
  await Deno.writeTextFile(
    join(o.outDir, "README.md"),
    exportReadme({
      pipeline: plan.graph.pipeline,
      step: item.step.name,
      key: item.key,
      model: item.step.kind === "ensemble"
        ? `ensemble of ${models.length} (${members.join(", ")})`
        : modelSummary(item),
      result: resultLine(item.result),
      format: o.format,
      members: item.step.kind === "ensemble" ? models.map((m) => m.dir) : undefined,
    }),
  );
  files.push("README.md");
  return {
    step: item.step.name,
    key: item.key,
    kind: item.step.kind,
    format: o.format,
    dir: o.outDir,
    files,
  };
}

/** Write one trained model (weights and `export.json`) into `o.outDir/sub`. */
async function exportModel(
  plan: Plan,
  store: Store,
  item: PlanItem,
  o: ExportOptions,
  sub: string,
): Promise<string[]> {
  const found = await store.lookup(item.key);
  if (found.status !== "ok") {
    throw new PipelineError(
      `"${item.step.name}" (${item.key.slice(0, 12)}) of ${plan.graph.file} is ${
        found.status === "corrupt" ? `corrupt: ${found.problem}` : "no longer in the cache"
      }; train it again with\n  ${o.runCommand}`,
      { file: plan.graph.file, step: item.step.name, reason: "input-corrupt" },
    );
  }
  const dir = join(o.outDir, sub);
  await Deno.mkdir(dir, { recursive: true });
  const { json, tensors } = await readModelTensors(join(found.dir, "model"));
  const record = found.manifest.record;
  let written: string[];
  try {
    written = await writeWeights(dir, o.format, json, tensors, {
      pipeline: plan.graph.pipeline,
      step: item.step.name,
      key: item.key,
    });
  } catch (e) {
    throw new PipelineError(
      `cannot export "${item.step.name}" of ${plan.graph.file} as ${o.format}: ${
        e instanceof Error ? e.message : e
      }`,
      {
        file: plan.graph.file,
        step: item.step.name,
        field: "format",
        reason: "bad-param",
        cause: e,
      },
    );
  }
  await Deno.writeTextFile(
    join(dir, "export.json"),
    JSON.stringify(
      {
        pipeline: plan.graph.pipeline,
        step: item.step.name,
        key: item.key,
        model: record.plugins.model,
        seed: record.seed,
        result: found.manifest.result,
        format: o.format,
        files: written,
        layout: LAYOUT_NOTE,
        weights: tensors.map((t) => ({ name: t.name, shape: t.shape })),
      },
      null,
      1,
    ),
  );
  return [...written, "export.json"];
}

const safe = (name: string) => name.replace(/[^\w.#[\]=,-]/g, "_");

function modelSummary(item: PlanItem): string {
  const model = item.step.kind === "train" ? item.step.model : undefined;
  if (!model) return item.step.name;
  const params = Object.entries(model.params).map(([k, v]) =>
    `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : v}`
  );
  return `${model.name}(${params.join(", ")})`;
}

function resultLine(result: Record<string, unknown> | undefined): string | undefined {
  if (typeof result?.testError === "number") {
    return `test error ${result.testError.toFixed(2)}%`;
  }
  if (typeof result?.testPerplexity === "number") {
    return `test perplexity ${result.testPerplexity.toFixed(2)}`;
  }
  return undefined;
}
