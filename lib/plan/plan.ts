/**
 * The plan: every step with its key, whether it is cached or will run, and why. Planning
 * imports only the light side of plugins (dataset fingerprints), never TensorFlow.js; a dataset
 * plugin from outside the project's `datasets/` is fingerprinted in a sandbox.
 *
 * @module
 */
import { PipelineError } from "../errors.ts";
import { upstreamOf, type ValidStep } from "../spec/step.ts";
import type { ValidGraph } from "../graph/validate.ts";
import { canonicalJson } from "../util/canonical_json.ts";
import { type DatasetFingerprinter, diffRecords, keyGraph } from "../key/step_key.ts";
import type { KeyRecord } from "../spec/key_record.ts";
import { fingerprintDataset } from "../permissions/fingerprint.ts";
import type { DataEnv } from "../plugin/runtime.ts";
import type { Store } from "../store/store.ts";
import type { JsonObject } from "../plugin/descriptor.ts";

/** One step of a plan. */
export interface PlanItem {
  step: ValidStep;
  key: string;
  record: KeyRecord;
  status: "cached" | "run";
  reasons: string[];
  /** Result of the cached entry. */
  result?: JsonObject;
  /** Where an interrupted run of this key stopped. */
  resume?: { epoch: number; batch: number };
  /** The problem of a corrupt entry of this key: the run quarantines it and trains again. */
  corrupt?: string;
  force: boolean;
}

/** A keyed, checked plan. */
export interface Plan {
  graph: ValidGraph;
  items: PlanItem[];
  /** Where data was read and whether its checksums were verified, as planned. */
  data?: DataEnv;
}

/** Options for {@linkcode makePlan}. */
export interface PlanOptions {
  /** Step names to run again even when cached. */
  force?: string[];
  data: DataEnv;
}

/** Remembered per pipeline step, to explain key changes next time. */
export interface NameRecord {
  key: string;
  record: KeyRecord;
}

/**
 * Fingerprints of the datasets steps use, each computed once however many steps (or sweep
 * configurations) share it.
 */
export function datasetFingerprinter(file: string, data: DataEnv): DatasetFingerprinter {
  const fingerprints = new Map<string, Promise<string>>();
  return (step) => {
    const id = canonicalJson(step.dataset);
    if (!fingerprints.has(id)) {
      fingerprints.set(
        id,
        fingerprintDataset(step.dataset, data, { file, step: step.name })
          .catch((e) => {
            throw e instanceof PipelineError ? e : new PipelineError(
              `Cannot fingerprint dataset "${step.dataset.name}" of step "${step.name}": ${
                e instanceof Error ? e.message : e
              }`,
              {
                file,
                step: step.name,
                field: "data",
                reason: "missing-file",
                cause: e,
              },
            );
          }),
      );
    }
    return fingerprints.get(id)!;
  };
}

/** Key every step and compare with the store. */
export async function makePlan(
  graph: ValidGraph,
  store: Store,
  options: PlanOptions,
): Promise<Plan> {
  const force = new Set(options.force ?? []);
  for (const f of force) {
    if (!graph.steps.some((s) => s.name === f)) {
      throw new PipelineError(
        `--force names unknown step "${f}": steps are ${graph.steps.map((s) => s.name).join(", ")}`,
        { file: graph.file, field: "force", reason: "unknown-step" },
      );
    }
  }
  const keyed = await keyGraph(graph, datasetFingerprinter(graph.file, options.data));
  const items: PlanItem[] = [];
  for (const step of graph.order) {
    const { key, record } = keyed.get(step.name)!;
    const found = await store.lookup(key);
    const forced = force.has(step.name);
    const item: PlanItem = { step, key, record, status: "run", reasons: [], force: forced };
    if (found.status === "ok" && !forced) {
      item.status = "cached";
      item.result = found.manifest.result;
    } else {
      if (forced) item.reasons.push("forced");
      if (found.status === "corrupt") {
        item.corrupt = found.problem;
        item.reasons.push(corruptReason(found.problem));
      }
      if (found.status === "missing") {
        const prior = await store.recallName<NameRecord>(graph.pipeline, step.name);
        if (!prior) item.reasons.push("new step");
        else if (prior.key === key) {
          item.reasons.push("not in the cache (removed or never finished)");
        } else {
          item.reasons.push(...diffRecords(prior.record, record, {
            teacher: step.inputs.teacher,
            members: step.inputs.members,
            transfer: step.inputs.transfer?.from,
          }));
        }
      }
      item.resume = await store.checkpointAt(key);
      if (item.resume) {
        item.reasons.push(
          `will resume at epoch ${item.resume.epoch + 1}, batch ${item.resume.batch}`,
        );
      }
    }
    items.push(item);
  }
  await checkInputs(items, store);
  return { graph, items, data: options.data };
}

const corruptReason = (problem: string) => `cache entry is corrupt (${problem}): will run again`;

/**
 * Cached entries that a step to run reads as inputs are checked reading every file (a remembered
 * hash cannot see damage that left size and mtime alone). A corrupt one runs again first; the
 * steps that need it then wait for it. Its other dependants keep their entries: keys are
 * input-addressed, so their results stay those of their keys.
 */
async function checkInputs(items: PlanItem[], store: Store): Promise<void> {
  const byName = new Map(items.map((i) => [i.step.name, i]));
  const checked = new Set<string>();
  // Reverse topological order: an input that turns out corrupt is reached after its dependant.
  for (const item of [...items].reverse()) {
    if (item.status !== "run") continue;
    for (const name of upstreamOf(item.step)) {
      const up = byName.get(name);
      if (!up || up.status !== "cached" || checked.has(name)) continue;
      checked.add(name);
      const problems = await store.verify(up.key);
      if (!problems.length) continue;
      up.status = "run";
      up.result = undefined;
      up.corrupt = problems.join("; ");
      up.reasons.push(corruptReason(up.corrupt));
    }
  }
}
