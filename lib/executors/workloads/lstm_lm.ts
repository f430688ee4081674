/**
 * A word-level LSTM language model (embedding → LSTM → dense over the vocabulary) built with
 * tfjs-layers, to exercise and time executors on matmul, sigmoid/tanh, slicing and the
 * embedding gather and its scatter-add gradient. The model plugins own the real one.
 *
 * @module
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../plugin/runtime.ts";

/** Options for {@linkcode buildLstmLm}. */
export interface LstmLmOptions {
  /** Vocabulary size. Default 10000. */
  vocab?: number;
  /** Embedding and hidden size. Default 200. */
  hidden?: number;
  /** Stacked LSTM layers. Default 2. */
  layers?: number;
  /** Unrolled steps. Default 35. */
  steps?: number;
  /** Initializer seed. Default 1. */
  seed?: number;
}

/** Build the model: int32 [batch, steps] in, logits [batch, steps, vocab] out. */
export function buildLstmLm({ tfl }: TfContext, options: LstmLmOptions = {}): tfl.LayersModel {
  const vocab = options.vocab ?? 10000;
  const hidden = options.hidden ?? 200;
  let seed = options.seed ?? 1;
  const uniform = () => tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ });
  const input = tfl.input({ shape: [options.steps ?? 35], dtype: "int32" });
  let h = tfl.layers.embedding({
    inputDim: vocab,
    outputDim: hidden,
    embeddingsInitializer: uniform(),
  }).apply(input) as tfl.SymbolicTensor;
  for (let i = 0; i < (options.layers ?? 2); i++) {
    h = tfl.layers.lstm({
      units: hidden,
      returnSequences: true,
      kernelInitializer: uniform(),
      recurrentInitializer: uniform(),
    }).apply(h) as tfl.SymbolicTensor;
  }
  const logits = tfl.layers.dense({ units: vocab, kernelInitializer: uniform() }).apply(
    h,
  ) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: "lstm_lm" });
}
