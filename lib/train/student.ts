/**
 * The numerical core of a train step: build the student from its seed, copy (and freeze) layers
 * of a transfer source, prepare the loss, run the training loop with the teachers, and sum up the
 * last epoch. Loading inputs, events and logs are the caller's (`lib/worker/train_step.ts`); this
 * module and its imports are part of every train step's key.
 *
 * @module
 */
import type { JsonObject } from "../plugin/descriptor.ts";
import type { DataShape, ModelInstance, ModelPlugin } from "../plugin/runtime.ts";
import { trainLoop, type TrainLoopOptions } from "./loop.ts";
import { transferLayers } from "./transfer.ts";

/** Layers to copy from another trained step before training starts. */
export interface StudentTransfer {
  /** Loads the source model (called after the student is built). */
  load: () => Promise<ModelInstance>;
  layers: string[];
  freeze: boolean;
  /** Called once the layers are copied. */
  onCopied?: () => void;
}

/** Everything a student needs; loop options pass through to `trainLoop`. */
export interface StudentOptions extends Omit<TrainLoopOptions, "student" | "teachers"> {
  model: { plugin: ModelPlugin; params: JsonObject };
  shape: DataShape;
  transfer?: StudentTransfer;
  /** Loads the teachers (called after the transfer). */
  loadTeachers: () => Promise<ModelInstance[]>;
}

/** A trained student, its teachers (still loaded), the per-epoch history and the result. */
export interface TrainedStudent {
  student: ModelInstance;
  teachers: ModelInstance[];
  history: JsonObject[];
  result: JsonObject;
}

/** Train the student of one step; the caller writes and disposes the models. */
export async function trainStudent(o: StudentOptions): Promise<TrainedStudent> {
  const { model, shape, transfer, loadTeachers, ...loop } = o;
  const student = model.plugin.build(o.ctx, model.params, shape, o.seed);
  if (transfer) {
    // A resumed checkpoint holds the same values for the copied layers.
    const source = await transfer.load();
    transferLayers(source.net, student.net, transfer.layers, transfer.freeze);
    source.net.dispose();
    transfer.onCopied?.();
  }
  const teachers = await loadTeachers();
  await o.loss.plugin.prepare?.(o.loss.params);
  const parameters = student.net.countParams();
  const outcome = await trainLoop({ ...loop, student, teachers });

  const result: JsonObject = {
    parameters,
    epochs: o.recipe.epochs,
    seconds: outcome.seconds,
    testLoss: outcome.final.loss,
    ...(outcome.final.error !== undefined ? { testError: outcome.final.error } : {}),
    ...(outcome.final.perplexity !== undefined ? { testPerplexity: outcome.final.perplexity } : {}),
  };
  const last = outcome.history[outcome.history.length - 1] ?? {};
  if (last.validPerplexity !== undefined) result.validPerplexity = last.validPerplexity;
  if (last.validError !== undefined) result.validError = last.validError;
  return { student, teachers, history: outcome.history, result };
}
