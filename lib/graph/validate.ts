/**
 * Run-time validation of a declared graph: the same rules the DSL's types enforce at
 * `deno check`, plus those types cannot see (cycles, unknown steps, bad recipe values). Every
 * message names the pipeline file, the step and the field.
 *
 * @module
 */
import { PipelineError } from "../errors.ts";
import { CIFAR_RECIPE, PTB_RECIPE, type Recipe, recipeProblems } from "../train/recipe.ts";
import type { Graph, StepSpec, ValidStep, ValidTrainStep } from "../spec/step.ts";
import { upstreamOf } from "../spec/step.ts";

/** A graph that passed validation: steps in topological order, recipes resolved. */
export interface ValidGraph extends Graph {
  readonly validated: true;
  /** Steps ordered so every step comes after its inputs. */
  order: ValidStep[];
}

/** The full recipe of a train step: domain defaults, then the step's own values. */
function resolveRecipe(step: StepSpec): Recipe {
  const base = step.domain === "text" ? PTB_RECIPE : CIFAR_RECIPE;
  return { ...base, ...(step.params as Partial<Recipe>) };
}

/** Validate `graph`; throws a {@linkcode PipelineError} on the first problem. */
export function validateGraph(graph: Graph): ValidGraph {
  const byName = new Map(graph.steps.map((s) => [s.name, s]));
  const fail = (
    msg: string,
    step: string,
    field: string,
    reason: PipelineError["reason"] = "invalid-pipeline",
  ) => new PipelineError(msg, { file: graph.file, step, field, reason });

  if (graph.steps.length === 0) {
    throw new PipelineError(`Pipeline "${graph.pipeline}" declares no steps`, {
      file: graph.file,
      reason: "invalid-pipeline",
    });
  }

  const valid = new Map<string, ValidStep>();
  for (const step of graph.steps) {
    const what = step.kind === "train" ? "train" : "build ensemble";
    if (!step.dataset || step.dataset.kind !== "dataset") {
      throw fail(
        `Cannot ${what} "${step.name}": "data" must be a declared dataset`,
        step.name,
        "data",
      );
    }
    if (step.domain !== step.dataset.domain) {
      throw fail(
        `Step "${step.name}" has domain ${step.domain} but its dataset is ${step.dataset.domain}`,
        step.name,
        "data",
        "type-mismatch",
      );
    }
    for (const up of upstreamOf(step)) {
      if (typeof up !== "string" || !byName.has(up)) {
        throw fail(
          `Step "${step.name}" refers to unknown step ${JSON.stringify(up)}`,
          step.name,
          "inputs",
          "unknown-step",
        );
      }
      const other = byName.get(up)!;
      if (other.domain !== step.domain) {
        throw fail(
          `Cannot ${what} "${step.name}": input "${up}" produces a ${
            other.domain === "text" ? "language model" : "image classifier"
          } but the dataset is ${step.dataset.name}`,
          step.name,
          "inputs",
          "type-mismatch",
        );
      }
      if (other.dataset.name !== step.dataset.name) {
        throw fail(
          `Cannot ${what} "${step.name}": input "${up}" was trained on ${other.dataset.name} but this step uses ${step.dataset.name}`,
          step.name,
          "inputs",
          "type-mismatch",
        );
      }
    }
    if (step.kind === "train") valid.set(step.name, validateTrain(step, byName, fail));
    else if (!step.inputs.members?.length) {
      throw fail(`Ensemble "${step.name}" needs at least one member`, step.name, "members");
    } else valid.set(step.name, { ...step, kind: "ensemble" });
  }
  const order = topoOrder(graph, byName).map((step) => valid.get(step.name)!);
  return { ...graph, validated: true, order };
}

/** Check a train step and resolve its recipe, once. */
function validateTrain(
  step: StepSpec,
  byName: Map<string, StepSpec>,
  fail: (m: string, s: string, f: string, r?: PipelineError["reason"]) => PipelineError,
): ValidTrainStep {
  if (!step.model || step.model.kind !== "model") {
    throw fail(`Cannot train "${step.name}": "model" must be a model plugin`, step.name, "model");
  }
  if (!step.loss || step.loss.kind !== "loss") {
    throw fail(`Cannot train "${step.name}": "loss" must be a loss plugin`, step.name, "loss");
  }
  if (step.model.domain !== step.domain) {
    throw fail(
      `Cannot train "${step.name}": model "${step.model.name}" is a ${step.model.domain} model but the dataset ${step.dataset.name} is ${step.domain}`,
      step.name,
      "model",
      "type-mismatch",
    );
  }
  const teachers = step.inputs.teacher ?? [];
  if (step.loss.needsTeacher && teachers.length === 0) {
    throw fail(
      `Cannot train "${step.name}": loss "${step.loss.name}" needs a teacher`,
      step.name,
      "teacher",
      "missing-teacher",
    );
  }
  if (!step.loss.needsTeacher && teachers.length > 0) {
    throw fail(
      `Step "${step.name}" names a teacher but loss "${step.loss.name}" does not use one`,
      step.name,
      "teacher",
    );
  }
  for (const t of teachers) {
    if (byName.get(t)?.kind !== "train") {
      throw fail(
        `Cannot train "${step.name}": teacher "${t}" is not a train step`,
        step.name,
        "teacher",
        "type-mismatch",
      );
    }
  }
  const recipe = resolveRecipe(step);
  const problems = recipeProblems(recipe);
  if (problems.length) {
    const field = problems[0].split(" ")[0];
    throw fail(
      `Invalid recipe for "${step.name}": ${problems.join("; ")}`,
      step.name,
      field,
      "bad-param",
    );
  }
  return { ...step, kind: "train", model: step.model, loss: step.loss, recipe };
}

function topoOrder(graph: Graph, byName: Map<string, StepSpec>): StepSpec[] {
  const state = new Map<string, "visiting" | "done">();
  const order: StepSpec[] = [];
  const visit = (s: StepSpec, path: string[]) => {
    const st = state.get(s.name);
    if (st === "done") return;
    if (st === "visiting") {
      const cycle = [...path.slice(path.indexOf(s.name)), s.name];
      throw new PipelineError(`Cycle between steps: ${cycle.join(" -> ")}`, {
        file: graph.file,
        step: s.name,
        field: "inputs",
        reason: "cycle",
      });
    }
    state.set(s.name, "visiting");
    for (const up of upstreamOf(s)) visit(byName.get(up)!, [...path, s.name]);
    state.set(s.name, "done");
    order.push(s);
  };
  for (const s of graph.steps) visit(s, []);
  return order;
}
