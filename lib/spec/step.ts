/**
 * The graph a pipeline file declares: plain, serialisable data. Builders in `lib/dsl` produce
 * it; validation (`lib/graph`) checks it and resolves each train step once
 * ({@linkcode ValidTrainStep}); keys, the plan and the worker consume the validated steps. The
 * types live below both the declaration side and the worker so that neither imports the other.
 *
 * @module
 */
import type {
  DatasetDescriptor,
  Domain,
  Json,
  JsonObject,
  LossDescriptor,
  ModelDescriptor,
} from "../plugin/descriptor.ts";
import type { Recipe } from "../train/recipe.ts";

/** What a step does. */
export type StepKind = "train" | "ensemble";

/** A declared pipeline parameter and the value in force. */
export interface ParamDecl {
  name: string;
  default: Json;
  value: Json;
  doc?: string;
}

/** Weight transfer into a freshly built student (e.g. a DenseNet teacher's first conv and fc). */
export interface TransferSpec {
  /** The step whose trained weights are copied. */
  from: string;
  /** Layer names in both models. */
  layers: string[];
  /** Keep the copied layers fixed during training. */
  freeze: boolean;
}

/** One step of the graph. */
export interface StepSpec {
  name: string;
  kind: StepKind;
  domain: Domain;
  /** Replicate index (1-based) when the pipeline runs several seeds; the base name without `#k`. */
  replicate: number;
  baseName: string;
  seed: number;
  dataset: DatasetDescriptor;
  model?: ModelDescriptor;
  loss?: LossDescriptor;
  /** Training recipe or ensemble options: plain data. */
  params: JsonObject;
  /** Upstream steps by role: `teacher` (train), `members` (ensemble), `transfer`. */
  inputs: { teacher?: string[]; members?: string[]; transfer?: TransferSpec };
}

/** A validated train step: model and loss present, the recipe resolved (defaults filled in). */
export interface ValidTrainStep extends StepSpec {
  kind: "train";
  model: ModelDescriptor;
  loss: LossDescriptor;
  /** The full recipe: the domain's defaults, then the step's own values. */
  recipe: Recipe;
}

/** A validated ensemble step. */
export interface ValidEnsembleStep extends StepSpec {
  kind: "ensemble";
}

/** A step that passed validation: what keys hash and workers run. */
export type ValidStep = ValidTrainStep | ValidEnsembleStep;

/** A whole declared pipeline. */
export interface Graph {
  pipeline: string;
  /** The pipeline file, as given on the command line. */
  file: string;
  params: ParamDecl[];
  steps: StepSpec[];
}

/** Names of all upstream steps of `step`. */
export function upstreamOf(step: StepSpec): string[] {
  const names = [...(step.inputs.teacher ?? []), ...(step.inputs.members ?? [])];
  if (step.inputs.transfer) names.push(step.inputs.transfer.from);
  return [...new Set(names)];
}
