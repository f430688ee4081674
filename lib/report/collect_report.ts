/**
 * Gather what a report shows from the cache: for every step of a plan, its committed result,
 * provenance and per-epoch history, or why it is missing. Reads only; trains and loads nothing.
 *
 * @module
 */
import { join } from "node:path";
import type { StepKind } from "../spec/step.ts";
import type { Plan } from "../plan/plan.ts";
import type { AnyDescriptor, Domain, Json, JsonObject } from "../plugin/descriptor.ts";
import type { Store } from "../store/store.ts";
import { shortModel } from "./model_names.ts";

/** One step (one seed replicate) as the report sees it. */
export interface ReportStep {
  name: string;
  baseName: string;
  replicate: number;
  kind: StepKind;
  domain: Domain;
  key: string;
  seed: number;
  /** `done`: a valid entry is in the cache; `missing`: not (yet) computed; `corrupt`: unusable. */
  status: "done" | "missing" | "corrupt";
  /** Why a step is not done: a corrupt entry's problem, or where its checkpoint stopped. */
  note?: string;
  /** Short plugin descriptions, e.g. `mlp(hidden=32)`. */
  model?: string;
  /** The model's conventional name, e.g. `ResNet-56`. */
  modelName?: string;
  loss?: string;
  dataset: string;
  /** Base names of upstream steps by role. */
  teacher?: string[];
  members?: string[];
  result?: JsonObject;
  provenance?: JsonObject;
  /** Per-epoch metrics of a train step (history.json). */
  history?: JsonObject[];
  createdAt?: string;
}

/** Everything a report renders. */
export interface ReportData {
  pipeline: string;
  file: string;
  params: Record<string, Json>;
  generatedAt: string;
  steps: ReportStep[];
}

/** `mlp(hidden=32, layers=1)`: a descriptor's name and params, compact. */
export function describePlugin(d: AnyDescriptor | undefined): string | undefined {
  if (!d) return undefined;
  const params = Object.entries(d.params ?? {}).map(([k, v]) =>
    `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
  );
  return params.length ? `${d.name}(${params.join(", ")})` : d.name;
}

/**
 * The dataset as it was read: a run with verification off (--no-verify) read it unverified
 * whatever its declared `verify` param says, so the report shows `verify=false` then.
 */
export function asRead<D extends AnyDescriptor>(
  d: D | undefined,
  data: { verify: boolean } | undefined,
): D | undefined {
  if (!d || data?.verify !== false || !d.params || !("verify" in d.params)) return d;
  return { ...d, params: { ...d.params, verify: false } };
}

async function readHistory(dir: string): Promise<JsonObject[] | undefined> {
  try {
    const h = JSON.parse(await Deno.readTextFile(join(dir, "history.json")));
    return Array.isArray(h) ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Look up every step of `plan` in `store` now (not the plan's earlier statuses). */
export async function collectReport(plan: Plan, store: Store): Promise<ReportData> {
  const byName = new Map(plan.graph.steps.map((s) => [s.name, s]));
  const base = (names: string[] | undefined) =>
    names?.length ? names.map((n) => byName.get(n)?.baseName ?? n) : undefined;
  const steps: ReportStep[] = [];
  for (const item of plan.items) {
    const s = item.step;
    const entry: ReportStep = {
      name: s.name,
      baseName: s.baseName,
      replicate: s.replicate,
      kind: s.kind,
      domain: s.domain,
      key: item.key,
      seed: s.seed,
      status: "missing",
      model: describePlugin(s.model),
      modelName: shortModel(s.model),
      loss: describePlugin(s.loss),
      dataset: describePlugin(asRead(s.dataset, plan.data)) ?? "",
      teacher: base(s.inputs.teacher),
      members: base(s.inputs.members),
    };
    const found = await store.lookup(item.key);
    if (found.status === "ok") {
      entry.status = "done";
      entry.result = found.manifest.result;
      entry.provenance = found.manifest.provenance;
      entry.createdAt = found.manifest.createdAt;
      if ("history.json" in found.manifest.files) entry.history = await readHistory(found.dir);
    } else if (found.status === "corrupt") {
      entry.status = "corrupt";
      entry.note = `cache entry is corrupt: ${found.problem}`;
    } else {
      // Read now rather than taken from the plan: after a run the plan's view is stale.
      const at = await store.checkpointAt(item.key);
      if (at) entry.note = `checkpoint at epoch ${at.epoch + 1}, batch ${at.batch}`;
    }
    steps.push(entry);
  }
  return {
    pipeline: plan.graph.pipeline,
    file: plan.graph.file,
    params: Object.fromEntries(plan.graph.params.map((p) => [p.name, p.value])),
    generatedAt: new Date().toISOString(),
    steps,
  };
}
