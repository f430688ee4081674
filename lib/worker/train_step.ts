/**
 * Runs a train step: load data, build the student from its seed, load the teachers from the
 * cache, run the training loop (resuming from a checkpoint if one exists), and hand back the
 * model (TensorFlow.js format), the per-epoch history and the last-epoch metrics.
 *
 * @module
 */
import { join } from "node:path";
import type { JsonObject, LossDescriptor, ModelDescriptor } from "../plugin/descriptor.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import { resolveRecipe } from "../graph/validate.ts";
import { trainLoop } from "../train/loop.ts";
import { saveModel } from "../train/weights_io.ts";
import { transferLayers } from "../train/transfer.ts";
import { emit } from "./events.ts";
import { dataShape, type StepContext, type StepOutput } from "./context.ts";
import { loadData } from "./load_data.ts";
import { loadTrainedModel } from "./load_model.ts";

/** Train the student of `ctx.spec`. */
export async function runTrainStep(ctx: StepContext): Promise<StepOutput> {
  const { spec, executor } = ctx;
  const { step } = spec;
  const tfc = executor.ctx;
  const recipe = resolveRecipe(step);
  const data = await loadData(step.dataset, spec, ctx.log);
  const shape = dataShape(data);

  const modelDesc = step.model as ModelDescriptor;
  const modelPlugin = await resolvePlugin(modelDesc);
  const student = modelPlugin.build(tfc, modelDesc.params, shape, step.seed);
  const transfer = step.inputs.transfer;
  if (transfer) {
    // Copy (and freeze) named layers of another trained step before training starts; a resumed
    // checkpoint holds the same values for them.
    const source = await loadTrainedModel(
      tfc,
      ctx.store,
      spec.upstream[transfer.from],
      transfer.from,
      shape,
    );
    transferLayers(source.net, student.net, transfer.layers, transfer.freeze);
    ctx.log(
      `copied ${transfer.layers.join(", ")} from ${transfer.from}${
        transfer.freeze ? " (frozen)" : ""
      }`,
    );
    source.net.dispose();
  }
  const teachers = await Promise.all(
    (step.inputs.teacher ?? []).map((t) =>
      loadTrainedModel(tfc, ctx.store, spec.upstream[t], t, shape)
    ),
  );
  const lossDesc = step.loss as LossDescriptor;
  const lossPlugin = await resolvePlugin(lossDesc);
  await lossPlugin.prepare?.(lossDesc.params);
  const parameters = student.net.countParams();

  let lastEmit = 0;
  const outcome = await trainLoop({
    ctx: tfc,
    student,
    teachers,
    loss: {
      plugin: lossPlugin,
      params: lossDesc.params,
      needsActivations: lossDesc.needsActivations,
    },
    data,
    recipe,
    seed: step.seed,
    workDir: ctx.workDir,
    step: step.name,
    shouldStop: ctx.shouldStop,
    onResume: (s) => ctx.log(`resuming from checkpoint at epoch ${s.epoch + 1}, batch ${s.batch}`),
    onProgress(p) {
      const now = performance.now();
      if (now - lastEmit < 250 && p.batch !== p.batches) return;
      lastEmit = now;
      emit({ t: "progress", step: step.name, ...p });
    },
    onEpoch: (epoch, metrics) =>
      emit({ t: "epoch", step: step.name, epoch, epochs: recipe.epochs, metrics }),
  });

  const result: JsonObject = {
    parameters,
    epochs: recipe.epochs,
    seconds: outcome.seconds,
    testLoss: outcome.final.loss,
    ...(outcome.final.error !== undefined ? { testError: outcome.final.error } : {}),
    ...(outcome.final.perplexity !== undefined ? { testPerplexity: outcome.final.perplexity } : {}),
  };
  const last = outcome.history[outcome.history.length - 1] ?? {};
  if (last.validPerplexity !== undefined) result.validPerplexity = last.validPerplexity;
  if (last.validError !== undefined) result.validError = last.validError;
  return {
    result,
    async write(dir) {
      await Deno.mkdir(join(dir, "model"));
      await saveModel(student.net, join(dir, "model"));
      await Deno.writeTextFile(join(dir, "history.json"), JSON.stringify(outcome.history, null, 1));
      student.net.dispose();
      for (const t of teachers) t.net.dispose();
    },
  };
}
