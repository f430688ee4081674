/**
 * Runs an ensemble step (BANE, Eq. 4): rebuild every member from the cache and hand them to the
 * numerical core (`lib/train/ensemble.ts`), which evaluates the average of their softmax outputs.
 *
 * @module
 */
import { join } from "node:path";
import { evaluateEnsemble } from "../train/ensemble.ts";
import { dataShape, type StepContext, type StepOutput } from "./context.ts";
import { emit } from "./events.ts";
import { loadData } from "./load_data.ts";
import { loadTrainedModel } from "./load_model.ts";

/** Evaluate the ensemble of `ctx.spec`. */
export async function runEnsembleStep(ctx: StepContext): Promise<StepOutput> {
  const { spec, executor } = ctx;
  const { step } = spec;
  const data = await loadData(step.dataset, spec, ctx.log);
  const shape = dataShape(data);
  const members = step.inputs.members ?? [];
  const models = [];
  for (const m of members) {
    models.push(await loadTrainedModel(executor.ctx, ctx.store, spec.upstream[m], m, shape));
  }
  // The first member's recipe gives the evaluation's batch size and window length.
  const first = await ctx.store.lookup(spec.upstream[members[0]]);
  const recipe = first.status === "ok" ? first.manifest.record.params : {};
  const onBatch = (batch: number, batches: number) =>
    emit({ t: "progress", step: step.name, phase: "eval", epoch: 1, epochs: 1, batch, batches });
  const result = await evaluateEnsemble(executor.ctx, models, data, recipe, onBatch);
  for (const m of models) m.net.dispose();
  return {
    result,
    write: (dir) => Deno.writeTextFile(join(dir, "result.json"), JSON.stringify(result, null, 1)),
  };
}
