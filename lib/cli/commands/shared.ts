/** Pieces the commands share. @module */
import { PipelineError } from "../../errors.ts";
import type { ValidGraph } from "../../graph/validate.ts";
import { loadPipeline, parseSets, readParamsFile } from "../load_pipeline.ts";
import type { CliOptions } from "../options.ts";

/** Load the pipeline named by the first positional with `--params` and `--set` applied. */
export async function planFromOptions(o: CliOptions): Promise<ValidGraph> {
  const file = o.positionals[0];
  if (!file) {
    throw new PipelineError("Name a pipeline file, e.g. pipelines/smoke.ts", {
      reason: "invalid-pipeline",
    });
  }
  const overrides = { ...(o.params ? await readParamsFile(o.params) : {}), ...parseSets(o.set) };
  return await loadPipeline(file, overrides);
}
