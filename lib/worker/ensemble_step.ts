/**
 * Runs an ensemble step (BANE, Eq. 4): rebuild every member from the cache and evaluate the
 * average of their softmax outputs on the test split (and validation split where present).
 *
 * @module
 */
import { join } from "node:path";
import type { JsonObject } from "../plugin/descriptor.ts";
import { evaluate } from "../train/evaluate.ts";
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
  // Evaluate with the first member's recipe batch size and window length.
  const first = await ctx.store.lookup(spec.upstream[members[0]]);
  const params = first.status === "ok" ? first.manifest.record.params : {};
  const batchSize = (params.batchSize as number) ?? 128;
  const steps = (params.bptt as number) ?? 35;
  const started = performance.now();
  const onBatch = (batch: number, batches: number) =>
    emit({ t: "progress", step: step.name, phase: "eval", epoch: 1, epochs: 1, batch, batches });
  const test = await evaluate(executor.ctx, models, data, "test", { batchSize, steps, onBatch });
  const valid = (data.size.valid ?? 0) > 0
    ? await evaluate(executor.ctx, models, data, "valid", { batchSize, steps })
    : undefined;
  const result: JsonObject = {
    members: members.length,
    parameters: models.reduce((n, m) => n + m.net.countParams(), 0),
    seconds: (performance.now() - started) / 1000,
    testLoss: test.loss,
    ...(test.error !== undefined ? { testError: test.error } : {}),
    ...(test.perplexity !== undefined ? { testPerplexity: test.perplexity } : {}),
    ...(valid?.perplexity !== undefined ? { validPerplexity: valid.perplexity } : {}),
    ...(valid?.error !== undefined ? { validError: valid.error } : {}),
  };
  for (const m of models) m.net.dispose();
  return {
    result,
    write: (dir) => Deno.writeTextFile(join(dir, "result.json"), JSON.stringify(result, null, 1)),
  };
}
