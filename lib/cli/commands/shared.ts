/** Pieces the commands share. @module */
import { PipelineError } from "../../errors.ts";
import type { ValidGraph } from "../../graph/validate.ts";
import { loadPipeline, parseSets, readParamsFile } from "../load_pipeline.ts";
import type { CliOptions } from "../options.ts";
import { expandSweep } from "../../sweep/expand.ts";
import { loadSweep } from "../../sweep/load_sweep.ts";

/**
 * Load the pipeline named by the first positional with `--params` and `--set` applied; with list
 * values, the merged graph of every configuration of the sweep (see `lib/sweep/`).
 */
export async function planFromOptions(o: CliOptions): Promise<ValidGraph> {
  const file = o.positionals[0];
  if (!file) {
    throw new PipelineError("Name a pipeline file, e.g. pipelines/smoke.ts", {
      reason: "invalid-pipeline",
    });
  }
  const overrides = { ...(o.params ? await readParamsFile(o.params) : {}), ...parseSets(o.set) };
  const expansion = expandSweep(overrides);
  if (expansion.configurations.length === 1) {
    return await loadPipeline(file, expansion.configurations[0].overrides);
  }
  // A sweep: one declaration per configuration, merged into one graph sharing equal steps.
  return await loadSweep(expansion, (ov) => loadPipeline(file, ov), {
    dataDir: o.dataDir,
    verify: o.verify,
  });
}
