/**
 * Runs a validated train step (model, loss and the recipe resolved by validation): load data,
 * plugins and the input models from the cache, hand them to the numerical core
 * (`lib/train/student.ts`: build the student from its seed, train it, resuming from a checkpoint
 * if one exists), report progress, and hand back the model (TensorFlow.js format), the per-epoch
 * history and the last-epoch metrics.
 *
 * @module
 */
import { join } from "node:path";
import { resolvePlugin } from "../plugin/resolve.ts";
import { trainStudent } from "../train/student.ts";
import { saveModel } from "../train/weights_io.ts";
import { METRICS_FILE, workFiles } from "../store/layout.ts";
import { jsonLines, MetricsLog } from "./metrics_log.ts";
import { emit } from "./events.ts";
import { dataShape, type StepContext, type StepOutput } from "./context.ts";
import { loadData } from "./load_data.ts";
import { loadTrainedModel } from "./load_model.ts";

/** Train the student of `ctx.spec`. */
export async function runTrainStep(ctx: StepContext): Promise<StepOutput> {
  const { spec, executor } = ctx;
  const { step } = spec;
  // The worker dispatches on the kind; anything else here is a bug.
  if (step.kind !== "train") throw new Error(`runTrainStep got a ${step.kind} step`);
  const { model, loss, recipe } = step;
  const tfc = executor.ctx;
  const data = await loadData(step.dataset, spec, ctx.log);
  const shape = dataShape(data);
  const load = (name: string) => loadTrainedModel(tfc, ctx.store, spec.upstream[name], name, shape);

  const transfer = step.inputs.transfer;
  let lastEmit = 0;
  const metricsLog = new MetricsLog(workFiles(ctx.workDir).metrics);
  metricsLog.reset([]);
  const trained = await trainStudent({
    ctx: tfc,
    model: { plugin: await resolvePlugin(model), params: model.params },
    loss: {
      plugin: await resolvePlugin(loss),
      params: loss.params,
      needsActivations: loss.needsActivations,
    },
    shape,
    data,
    recipe,
    seed: step.seed,
    transfer: transfer && {
      load: () => load(transfer.from),
      layers: transfer.layers,
      freeze: transfer.freeze,
      onCopied: () =>
        ctx.log(
          `copied ${transfer.layers.join(", ")} from ${transfer.from}${
            transfer.freeze ? " (frozen)" : ""
          }`,
        ),
    },
    loadTeachers: () => Promise.all((step.inputs.teacher ?? []).map(load)),
    workDir: ctx.workDir,
    step: step.name,
    shouldStop: ctx.shouldStop,
    onResume(s) {
      metricsLog.reset(s.history);
      ctx.log(`resuming from checkpoint at epoch ${s.epoch + 1}, batch ${s.batch}`);
    },
    onProgress(p) {
      const now = performance.now();
      if (now - lastEmit < 250 && p.batch !== p.batches) return;
      lastEmit = now;
      emit({ t: "progress", step: step.name, ...p });
    },
    onEpoch(epoch, metrics) {
      metricsLog.append(metrics);
      emit({ t: "epoch", step: step.name, epoch, epochs: recipe.epochs, metrics });
    },
  });

  return {
    result: trained.result,
    async write(dir) {
      await Deno.mkdir(join(dir, "model"));
      await saveModel(trained.student.net, join(dir, "model"));
      await Deno.writeTextFile(join(dir, "history.json"), JSON.stringify(trained.history, null, 1));
      await Deno.writeTextFile(join(dir, METRICS_FILE), jsonLines(trained.history));
      trained.student.net.dispose();
      for (const t of trained.teachers) t.net.dispose();
    },
  };
}
