/**
 * A step's worker turns a denied permission (plugin code in the pipeline's folder reading or
 * writing outside its scope, running a program, reaching the network) into an error that names
 * the pipeline file, the step, what was tried and what a step may do.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import type { PipelineError } from "../errors.ts";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { deniedError } from "./denied.ts";

/** What the worker knows of its step. */
export interface StepWhere {
  file: string;
  step: string;
  cacheDir: string;
  dataDir: string;
}

/** The PipelineError for a permission error `e` inside a step, or undefined for other errors. */
export function stepDeniedError(e: unknown, where: StepWhere): PipelineError | undefined {
  return deniedError(e, {
    file: where.file,
    step: where.step,
    during: `in step "${where.step}" of ${where.file}`,
    allowed:
      `a step may read only the project (${PROJECT_ROOT}), the pipeline's folder (${
        dirname(resolve(where.file))
      }), the data dir (${where.dataDir}) and the cache (${where.cacheDir}), write only the ` +
      `cache, run no program of its own, and use the network only to download its dataset`,
  });
}
