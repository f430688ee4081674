/**
 * The training loop of a train step: epochs of mini-batch SGD on the student, with teacher
 * probabilities computed on the same (augmented) batch by the teachers in inference mode,
 * per-epoch evaluation and checkpoints, exact resume, and a stop on NaN loss.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { PipelineError } from "../errors.ts";
import type { JsonObject } from "../plugin/descriptor.ts";
import type {
  Dataset,
  LossPlugin,
  ModelInstance,
  TextBatch,
  TfContext,
} from "../plugin/runtime.ts";
import { mixSeed } from "../util/rng.ts";
import { batchTensors, disposeBatch, flatLogits } from "./batch_tensors.ts";
import { loadCheckpoint, type LoopState, saveCheckpoint } from "./checkpoint.ts";
import { type EvalResult, evaluate } from "./evaluate.ts";
import { lossScale, type Recipe, stepLr } from "./recipe.ts";
import { clipByGlobalNorm, Sgd } from "./sgd.ts";
import { yieldToEventLoop } from "../util/yield.ts";

/** Progress of the loop, reported every batch (the caller throttles output). */
export interface LoopProgress {
  phase: "train" | "eval";
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss?: number;
  lr: number;
  rate?: number;
  eta?: number;
}

/** Everything the loop needs. */
export interface TrainLoopOptions {
  ctx: TfContext;
  student: ModelInstance;
  teachers: ModelInstance[];
  loss: { plugin: LossPlugin; params: JsonObject; needsActivations: boolean };
  data: Dataset;
  recipe: Recipe;
  seed: number;
  /** Folder for checkpoints. */
  workDir: string;
  step: string;
  onProgress?: (p: LoopProgress) => void;
  onEpoch?: (epoch: number, metrics: JsonObject) => void;
  onResume?: (state: LoopState) => void;
  /** Polled every batch; when true the loop checkpoints and throws an "interrupted" error. */
  shouldStop?: () => boolean;
  /** Also checkpoint inside an epoch at most this often (seconds). Default 120. */
  checkpointSeconds?: number;
}

/** What the loop returns. */
export interface TrainLoopResult {
  history: JsonObject[];
  final: EvalResult;
  seconds: number;
}

function metricsOf(prefix: string, r: EvalResult): JsonObject {
  const out: JsonObject = { [`${prefix}Loss`]: r.loss };
  if (r.error !== undefined) out[`${prefix}Error`] = r.error;
  if (r.perplexity !== undefined) out[`${prefix}Perplexity`] = r.perplexity;
  return out;
}

/** Run (or resume) training; returns per-epoch history and last-epoch test metrics. */
export async function trainLoop(o: TrainLoopOptions): Promise<TrainLoopResult> {
  const { ctx, recipe: r, data } = o;
  const tf = ctx.tf;
  const net = o.student.net;
  const variables = net.trainableWeights.map((w) => w.read() as tfc.Variable);
  const sgd = new Sgd(tf, variables, r);
  let state: LoopState = {
    epoch: 0,
    batch: 0,
    lr: r.lr,
    history: [],
    lossSum: 0,
    lossCount: 0,
    best: null,
    seconds: 0,
  };
  const resumed = await loadCheckpoint(tf, o.workDir, net);
  if (resumed) {
    state = resumed.state;
    sgd.restore(resumed.optimizer);
    o.onResume?.(state);
  }
  const hasValid = (data.size.valid ?? 0) > 0;
  const batchesPerEpoch = data.domain === "image"
    ? data.batchCount("train", r.batchSize)
    : data.batchCount("train", { batchSize: r.batchSize, steps: r.bptt });
  const started = performance.now() - state.seconds * 1000;
  const elapsed = () => (performance.now() - started) / 1000;
  let lastCheckpoint = performance.now();
  let lastFinite: number | undefined;
  const stopped = (epoch: number, batch: number) =>
    new PipelineError(`Stopped at epoch ${epoch}, batch ${batch}; checkpoint saved`, {
      step: o.step,
      reason: "interrupted",
    });
  const save = (s: LoopState = state) =>
    sgd.state().then((opt) => saveCheckpoint(o.workDir, net, opt, { ...s, seconds: elapsed() }));

  try {
    for (
      ;
      state.epoch < r.epochs;
      state.epoch++, state.batch = 0, state.lossSum = 0, state.lossCount = 0
    ) {
      const epoch = state.epoch;
      if (r.schedule === "step") state.lr = stepLr(r, epoch);
      o.student.resetState?.();
      for (const t of o.teachers) t.resetState?.();
      const batches = data.domain === "image"
        ? data.batches("train", {
          batchSize: r.batchSize,
          epoch,
          seed: o.seed,
          train: true,
          startBatch: state.batch,
        })
        : data.batches("train", {
          batchSize: r.batchSize,
          steps: r.bptt,
          epoch,
          seed: o.seed,
          train: true,
          startBatch: state.batch,
        });
      let windowStart = performance.now(), windowCount = 0;
      for (const batch of batches) {
        const bt = batchTensors(tf, batch);
        const teacherOut = o.teachers.length
          ? tf.tidy(() => {
            const outs = o.teachers.map((t) =>
              t.forward(bt.input, { training: false, activations: o.loss.needsActivations })
            );
            const probs = outs.map((out) => tf.softmax(flatLogits(tf, out.logits)));
            const mean = probs.length > 1 ? tf.div(tf.addN(probs), probs.length) : probs[0];
            return { probs: mean as tfc.Tensor2D, activations: outs[0].activations };
          })
          : undefined;
        // The loss plugins give the mean per token; `sum-over-time` differentiates it times the
        // window's length (the recipe's bptt), so clipping and lr act on the summed gradient.
        const scale = data.domain === "text" ? lossScale(r, (batch as TextBatch).shape[1]) : 1;
        const { value, grads } = tf.variableGrads(() => {
          const out = o.student.forward(bt.input, {
            training: true,
            activations: o.loss.needsActivations,
          });
          const loss = o.loss.plugin.compute({
            ctx,
            logits: flatLogits(tf, out.logits),
            labels: bt.labels,
            teacherProbs: teacherOut?.probs,
            activations: out.activations,
            teacherActivations: teacherOut?.activations,
            seed: mixSeed(o.seed, epoch, state.batch),
          }, o.loss.params);
          if (loss.rank !== 0) {
            throw new Error(`loss plugin returned a tensor of shape [${loss.shape}], not a scalar`);
          }
          return (scale === 1 ? loss : tf.mul(loss, scale)) as tfc.Scalar;
        }, variables);
        const lossValue = (await value.data())[0] / scale;
        if (!Number.isFinite(lossValue)) {
          tf.dispose([value, ...Object.values(grads)]);
          disposeBatch(tf, bt);
          if (teacherOut) {
            tf.dispose([teacherOut.probs, ...Object.values(teacherOut.activations ?? {})]);
          }
          throw new PipelineError(
            `Loss became ${lossValue} at epoch ${epoch + 1}, batch ${
              state.batch + 1
            }; last finite loss ${lastFinite ?? "none"}. Nothing was committed; try a lower lr.`,
            { step: o.step, field: "loss", reason: "nan-loss" },
          );
        }
        lastFinite = lossValue;
        let gradList = variables.map((v) => grads[v.name]);
        if (r.clipNorm > 0) {
          const clipped = clipByGlobalNorm(tf, gradList, r.clipNorm);
          tf.dispose(gradList);
          gradList = clipped;
        }
        sgd.apply(gradList, state.lr);
        tf.dispose([value, ...gradList, ...Object.values(grads)]);
        if (teacherOut) {
          tf.dispose([teacherOut.probs, ...Object.values(teacherOut.activations ?? {})]);
        }
        state.lossSum += lossValue * bt.count;
        state.lossCount += bt.count;
        windowCount += bt.count;
        disposeBatch(tf, bt);
        state.batch++;
        const now = performance.now();
        const rate = windowCount / Math.max((now - windowStart) / 1000, 1e-6);
        if (now - windowStart > 5000) (windowStart = now), (windowCount = 0);
        const done = epoch * batchesPerEpoch + state.batch;
        const total = r.epochs * batchesPerEpoch;
        o.onProgress?.({
          phase: "train",
          epoch: epoch + 1,
          epochs: r.epochs,
          batch: state.batch,
          batches: batchesPerEpoch,
          loss: state.lossSum / state.lossCount,
          lr: state.lr,
          rate,
          eta: done > 0 ? (elapsed() / done) * (total - done) : undefined,
        });
        await yieldToEventLoop();
        if (o.shouldStop?.()) {
          await save();
          throw stopped(epoch + 1, state.batch);
        }
        if ((now - lastCheckpoint) / 1000 > (o.checkpointSeconds ?? 120)) {
          await save();
          lastCheckpoint = performance.now();
        }
      }
      const evalOpts = { batchSize: r.batchSize, steps: r.bptt };
      const report = (b: number, n: number) =>
        o.onProgress?.({
          phase: "eval",
          epoch: epoch + 1,
          epochs: r.epochs,
          batch: b,
          batches: n,
          lr: state.lr,
        });
      const test = await evaluate(ctx, [o.student], data, "test", { ...evalOpts, onBatch: report });
      const valid = hasValid
        ? await evaluate(ctx, [o.student], data, "valid", evalOpts)
        : undefined;
      const trainLoss = state.lossSum / Math.max(state.lossCount, 1);
      const metrics: JsonObject = {
        epoch: epoch + 1,
        lr: state.lr,
        trainLoss,
        ...metricsOf("test", test),
        ...(valid ? metricsOf("valid", valid) : {}),
        seconds: elapsed(),
      };
      state.history.push(metrics);
      o.onEpoch?.(epoch + 1, metrics);
      if (r.schedule === "plateau") {
        const watched = valid ? (valid.perplexity ?? valid.error ?? valid.loss) : trainLoss;
        if (state.best !== null && !(watched < state.best - r.plateauDelta)) state.lr *= r.gamma;
        state.best = state.best === null ? watched : Math.min(state.best, watched);
      }
      if (epoch + 1 < r.epochs) {
        await save({ ...state, epoch: epoch + 1, batch: 0, lossSum: 0, lossCount: 0 });
        lastCheckpoint = performance.now();
        // A stop that arrived during evaluation: this checkpoint is the stopping point.
        if (o.shouldStop?.()) throw stopped(epoch + 2, 0);
      }
    }
    const last = state.history[state.history.length - 1];
    const final: EvalResult = {
      loss: last?.testLoss as number,
      error: last?.testError as number | undefined,
      perplexity: last?.testPerplexity as number | undefined,
      count: data.size.test ?? 0,
    };
    return { history: state.history, final, seconds: elapsed() };
  } finally {
    sgd.dispose();
  }
}
