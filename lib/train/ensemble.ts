/**
 * The numerical core of an ensemble step (BANE, Eq. 4): evaluate the average of the members'
 * softmax outputs on the test split (and the validation split where present), in windows of the
 * first member's recipe. Loading the members and events are the caller's
 * (`lib/worker/ensemble_step.ts`); this module and its imports are part of every ensemble step's key.
 *
 * @module
 */
import type { JsonObject } from "../plugin/descriptor.ts";
import type { Dataset, ModelInstance, TfContext } from "../plugin/runtime.ts";
import { evaluate } from "./evaluate.ts";

/** Evaluate the ensemble of `models`; `recipe` is the first member's resolved recipe (params). */
export async function evaluateEnsemble(
  ctx: TfContext,
  models: ModelInstance[],
  data: Dataset,
  recipe: JsonObject,
  onBatch?: (batch: number, batches: number) => void,
): Promise<JsonObject> {
  const batchSize = (recipe.batchSize as number) ?? 128;
  const steps = (recipe.bptt as number) ?? 35;
  const started = performance.now();
  const test = await evaluate(ctx, models, data, "test", { batchSize, steps, onBatch });
  const valid = (data.size.valid ?? 0) > 0
    ? await evaluate(ctx, models, data, "valid", { batchSize, steps })
    : undefined;
  return {
    members: models.length,
    parameters: models.reduce((n, m) => n + m.net.countParams(), 0),
    seconds: (performance.now() - started) / 1000,
    testLoss: test.loss,
    ...(test.error !== undefined ? { testError: test.error } : {}),
    ...(test.perplexity !== undefined ? { testPerplexity: test.perplexity } : {}),
    ...(valid?.perplexity !== undefined ? { validPerplexity: valid.perplexity } : {}),
    ...(valid?.error !== undefined ? { validError: valid.error } : {}),
  };
}
