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
  ImageBatch,
  LossPlugin,
  ModelInstance,
  TextBatch,
  TfContext,
} from "../plugin/runtime.ts";
import { mixSeed } from "../util/rng.ts";
import { type BatchTensors, batchTensors, disposeBatch, flatLogits } from "./batch_tensors.ts";
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

/** What every part of one training run shares. */
interface Run {
  o: TrainLoopOptions;
  tf: TfContext["tf"];
  variables: tfc.Variable[];
  sgd: Sgd;
  state: LoopState;
  batchesPerEpoch: number;
  /** Seconds trained so far, resumed runs included. */
  elapsed: () => number;
  checkpoints: CheckpointPolicy;
  /** The last finite batch loss, for the message when the loss stops being finite. */
  lastFinite?: number;
}

/**
 * When to checkpoint: at the end of every epoch but the last, inside an epoch at most every
 * `checkpointSeconds`, and at once when asked to stop (then the loop ends with an "interrupted"
 * error saying where it stopped).
 */
class CheckpointPolicy {
  #last = performance.now();
  constructor(
    readonly save: (s?: LoopState) => Promise<void>,
    readonly o: TrainLoopOptions,
  ) {}

  #stopped(epoch: number, batch: number): PipelineError {
    return new PipelineError(`Stopped at epoch ${epoch}, batch ${batch}; checkpoint saved`, {
      step: this.o.step,
      reason: "interrupted",
    });
  }

  /** After a batch (`now` is when it ended): stop if asked, or save if the last save is old. */
  async afterBatch(state: LoopState, epoch: number, now: number): Promise<void> {
    if (this.o.shouldStop?.()) {
      await this.save();
      throw this.#stopped(epoch + 1, state.batch);
    }
    if ((now - this.#last) / 1000 > (this.o.checkpointSeconds ?? 120)) {
      await this.save();
      this.#last = performance.now();
    }
  }

  /** After an epoch's evaluation: save the start of the next epoch, if there is one. */
  async afterEpoch(state: LoopState, epoch: number, epochs: number): Promise<void> {
    if (epoch + 1 >= epochs) return;
    await this.save({ ...state, epoch: epoch + 1, batch: 0, lossSum: 0, lossCount: 0 });
    this.#last = performance.now();
    // A stop that arrived during evaluation: this checkpoint is the stopping point.
    if (this.o.shouldStop?.()) throw this.#stopped(epoch + 2, 0);
  }
}

type Batch = ImageBatch | TextBatch;
type TeacherOut = { probs: tfc.Tensor2D; activations?: Record<string, tfc.Tensor> };

/** The teachers' mean softmax (and the first teacher's activations) on a batch, in inference. */
function teacherOutputs(run: Run, input: BatchTensors["input"]): TeacherOut | undefined {
  const { o, tf } = run;
  if (!o.teachers.length) return undefined;
  return tf.tidy(() => {
    const outs = o.teachers.map((t) =>
      t.forward(input, { training: false, activations: o.loss.needsActivations })
    );
    const probs = outs.map((out) => tf.softmax(flatLogits(tf, out.logits)));
    const mean = probs.length > 1 ? tf.div(tf.addN(probs), probs.length) : probs[0];
    return { probs: mean as tfc.Tensor2D, activations: outs[0].activations };
  });
}

/** One SGD step on `batch`; adds its loss to the epoch's sums and returns its example count. */
async function trainBatch(run: Run, epoch: number, batch: Batch): Promise<number> {
  const { o, tf, variables, state } = run;
  const r = o.recipe;
  const bt = batchTensors(tf, batch);
  const teacherOut = teacherOutputs(run, bt.input);
  const disposeTeacher = () => {
    if (teacherOut) tf.dispose([teacherOut.probs, ...Object.values(teacherOut.activations ?? {})]);
  };
  // The loss plugins give the mean per token; `sum-over-time` differentiates it times the
  // window's length (the recipe's bptt), so clipping and lr act on the summed gradient.
  const scale = o.data.domain === "text" ? lossScale(r, (batch as TextBatch).shape[1]) : 1;
  const { value, grads } = tf.variableGrads(() => {
    const out = o.student.forward(bt.input, {
      training: true,
      activations: o.loss.needsActivations,
    });
    const loss = o.loss.plugin.compute({
      ctx: o.ctx,
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
    disposeTeacher();
    throw new PipelineError(
      `Loss became ${lossValue} at epoch ${epoch + 1}, batch ${state.batch + 1}; last finite loss ${
        run.lastFinite ?? "none"
      }. Nothing was committed; try a lower lr.`,
      { step: o.step, field: "loss", reason: "nan-loss" },
    );
  }
  run.lastFinite = lossValue;
  let gradList = variables.map((v) => grads[v.name]);
  if (r.clipNorm > 0) {
    const clipped = clipByGlobalNorm(tf, gradList, r.clipNorm);
    tf.dispose(gradList);
    gradList = clipped;
  }
  run.sgd.apply(gradList, state.lr);
  tf.dispose([value, ...gradList, ...Object.values(grads)]);
  disposeTeacher();
  state.lossSum += lossValue * bt.count;
  state.lossCount += bt.count;
  disposeBatch(tf, bt);
  state.batch++;
  return bt.count;
}

/** The training batches of `epoch`, from where the state left off. */
function epochBatches(run: Run, epoch: number): Iterable<Batch> {
  const { o, state } = run;
  const r = o.recipe;
  return o.data.domain === "image"
    ? o.data.batches("train", {
      batchSize: r.batchSize,
      epoch,
      seed: o.seed,
      train: true,
      startBatch: state.batch,
    })
    : o.data.batches("train", {
      batchSize: r.batchSize,
      steps: r.bptt,
      epoch,
      seed: o.seed,
      train: true,
      startBatch: state.batch,
    });
}

/** Train the rest of `epoch`, reporting progress and checkpointing as the policy says. */
async function trainEpoch(run: Run, epoch: number): Promise<void> {
  const { o, state } = run;
  const r = o.recipe;
  if (r.schedule === "step") state.lr = stepLr(r, epoch);
  o.student.resetState?.();
  for (const t of o.teachers) t.resetState?.();
  let windowStart = performance.now(), windowCount = 0;
  for (const batch of epochBatches(run, epoch)) {
    windowCount += await trainBatch(run, epoch, batch);
    const now = performance.now();
    const rate = windowCount / Math.max((now - windowStart) / 1000, 1e-6);
    if (now - windowStart > 5000) (windowStart = now), (windowCount = 0);
    const done = epoch * run.batchesPerEpoch + state.batch;
    const total = r.epochs * run.batchesPerEpoch;
    o.onProgress?.({
      phase: "train",
      epoch: epoch + 1,
      epochs: r.epochs,
      batch: state.batch,
      batches: run.batchesPerEpoch,
      loss: state.lossSum / state.lossCount,
      lr: state.lr,
      rate,
      eta: done > 0 ? (run.elapsed() / done) * (total - done) : undefined,
    });
    await yieldToEventLoop();
    await run.checkpoints.afterBatch(state, epoch, now);
  }
}

/** Evaluate after `epoch`: record its metrics and, on the plateau schedule, adjust the lr. */
async function evaluateEpoch(run: Run, epoch: number): Promise<void> {
  const { o, state } = run;
  const { ctx, data, recipe: r } = o;
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
  const valid = (data.size.valid ?? 0) > 0
    ? await evaluate(ctx, [o.student], data, "valid", evalOpts)
    : undefined;
  const trainLoss = state.lossSum / Math.max(state.lossCount, 1);
  const metrics: JsonObject = {
    epoch: epoch + 1,
    lr: state.lr,
    trainLoss,
    ...metricsOf("test", test),
    ...(valid ? metricsOf("valid", valid) : {}),
    seconds: run.elapsed(),
  };
  state.history.push(metrics);
  o.onEpoch?.(epoch + 1, metrics);
  if (r.schedule === "plateau") {
    const watched = valid ? (valid.perplexity ?? valid.error ?? valid.loss) : trainLoss;
    if (state.best !== null && !(watched < state.best - r.plateauDelta)) state.lr *= r.gamma;
    state.best = state.best === null ? watched : Math.min(state.best, watched);
  }
}

/** Run (or resume) training; returns per-epoch history and last-epoch test metrics. */
export async function trainLoop(o: TrainLoopOptions): Promise<TrainLoopResult> {
  const { recipe: r, data } = o;
  const tf = o.ctx.tf;
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
  const started = performance.now() - state.seconds * 1000;
  const elapsed = () => (performance.now() - started) / 1000;
  const save = (s: LoopState = state) =>
    sgd.state().then((opt) => saveCheckpoint(o.workDir, net, opt, { ...s, seconds: elapsed() }));
  const run: Run = {
    o,
    tf,
    variables,
    sgd,
    state,
    batchesPerEpoch: data.domain === "image"
      ? data.batchCount("train", r.batchSize)
      : data.batchCount("train", { batchSize: r.batchSize, steps: r.bptt }),
    elapsed,
    checkpoints: new CheckpointPolicy(save, o),
  };
  try {
    for (
      ;
      state.epoch < r.epochs;
      state.epoch++, state.batch = 0, state.lossSum = 0, state.lossCount = 0
    ) {
      await trainEpoch(run, state.epoch);
      await evaluateEpoch(run, state.epoch);
      await run.checkpoints.afterEpoch(state, state.epoch, r.epochs);
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
