/**
 * born-again's public API for pipeline files.
 *
 * @example
 * ```ts
 * import { pipeline } from "../lib/mod.ts";
 * ```
 * @module
 */
export { pipeline, SEEDS_PARAM } from "./dsl/pipeline.ts";
export type {
  Builders,
  DataHandle,
  EnsembleOptions,
  PipelineDefinition,
  StepHandle,
  Trained,
  TrainOptions,
} from "./dsl/pipeline.ts";
export type { LossReduction, Recipe } from "./train/recipe.ts";
export { CIFAR_RECIPE, PTB_RECIPE } from "./train/recipe.ts";
