/**
 * Evaluation of one model or an ensemble (BANE, Eq. 4: the average of the members' softmax
 * outputs) on a split: error rate for images, perplexity for text.
 *
 * @module
 */
import type { Dataset, ModelInstance, Split, TfContext } from "../plugin/runtime.ts";
import { batchTensors, disposeBatch, flatLogits } from "./batch_tensors.ts";
import { yieldToEventLoop } from "../util/yield.ts";

/** Metrics of one evaluation. */
export interface EvalResult {
  /** Mean cross-entropy of the (averaged) probabilities. */
  loss: number;
  /** Percent misclassified (images). */
  error?: number;
  /** exp(loss) (text). */
  perplexity?: number;
  count: number;
}

/** Options for {@linkcode evaluate}. */
export interface EvalOptions {
  batchSize: number;
  /** Text models: unrolled steps per window. */
  steps: number;
  onBatch?: (batch: number, batches: number) => void;
}

/** Evaluate `models` (averaged probabilities when more than one) on `split`. */
export async function evaluate(
  { tf }: TfContext,
  models: ModelInstance[],
  data: Dataset,
  split: Split,
  options: EvalOptions,
): Promise<EvalResult> {
  for (const m of models) m.resetState?.();
  let nll = 0, wrong = 0, count = 0;
  const it = data.domain === "image"
    ? data.batches(split, { batchSize: options.batchSize, epoch: 0, seed: 0, train: false })
    : data.batches(split, {
      batchSize: options.batchSize,
      steps: options.steps,
      epoch: 0,
      seed: 0,
      train: false,
    });
  const batches = data.domain === "image"
    ? data.batchCount(split, options.batchSize)
    : data.batchCount(split, { batchSize: options.batchSize, steps: options.steps });
  let index = 0;
  for (const batch of it) {
    const bt = batchTensors(tf, batch);
    const [sumNll, sumWrong] = tf.tidy(() => {
      const probs = models
        .map((m) => tf.softmax(flatLogits(tf, m.forward(bt.input, { training: false }).logits)))
        .reduce((a, b) => tf.add(a, b));
      const mean = models.length > 1 ? tf.div(probs, models.length) : probs;
      const onehot = tf.oneHot(bt.labels, mean.shape[1]!);
      const pTrue = tf.sum(tf.mul(mean, onehot), 1);
      const nllSum = tf.neg(tf.sum(tf.log(tf.maximum(pTrue, 1e-30))));
      const wrongSum = tf.sum(tf.cast(tf.notEqual(tf.argMax(mean, 1), bt.labels), "float32"));
      return [nllSum, wrongSum];
    });
    const [a, b] = await Promise.all([sumNll.data(), sumWrong.data()]);
    tf.dispose([sumNll, sumWrong]);
    count += bt.count;
    disposeBatch(tf, bt);
    nll += a[0];
    wrong += b[0];
    options.onBatch?.(++index, batches);
    await yieldToEventLoop();
  }
  for (const m of models) m.resetState?.();
  const loss = nll / Math.max(count, 1);
  return data.domain === "image"
    ? { loss, error: (100 * wrong) / Math.max(count, 1), count }
    : { loss, perplexity: Math.exp(loss), count };
}
