/** What every step runner receives from the worker entry point. @module */
import type { LoadedExecutor } from "../executors/executor.ts";
import type { JsonObject } from "../plugin/descriptor.ts";
import type { Dataset, DataShape } from "../plugin/runtime.ts";
import type { Store } from "../store/store.ts";
import type { WorkerSpec } from "./spec.ts";

/** The environment of one running step. */
export interface StepContext {
  spec: WorkerSpec;
  store: Store;
  executor: LoadedExecutor;
  workDir: string;
  /** True once SIGINT/SIGTERM arrived or the parent interpreter died. */
  shouldStop: () => boolean;
  log: (message: string) => void;
}

/** What a step runner hands back to be committed. */
export interface StepOutput {
  /** Writes output files into the commit folder. */
  write: (dir: string) => Promise<void>;
  result: JsonObject;
  provenance?: JsonObject;
}

/** The shape a model must fit, from a loaded dataset. */
export function dataShape(data: Dataset): DataShape {
  return data.domain === "image"
    ? { domain: "image", numClasses: data.numClasses, imageShape: data.imageShape }
    : { domain: "text", numClasses: data.vocabSize, chars: data.chars };
}
