/**
 * The LSTM language model of Zaremba et al. (2014, "Recurrent Neural Network Regularization"):
 * word embedding, a stack of LSTM layers with dropout on non-recurrent connections, and a
 * softmax over the vocabulary, optionally tied to the embedding (Press and Wolf 2017), every
 * weight drawn from U(±initScale). Presets are Zaremba's small (2×200, no dropout, init 0.1),
 * medium (2×650, dropout 0.5, init 0.05) and large (2×1500, dropout 0.65, init 0.04); a param
 * left null takes the preset's value. The default is the paper's PTB teacher: large, tied
 * (52M parameters in its Table 6; 51M here with a 10k vocabulary, 66M untied).
 *
 * Input: token ids [batch, steps]; logits [batch, steps, vocab]. State carries across BPTT
 * windows until `resetState()`.
 *
 * @module
 */
import { defineModel } from "../../lib/plugin/define.ts";
import type { TfContext } from "../../lib/plugin/runtime.ts";
import { inRange, oneOf, positiveInt } from "./common/checks.ts";
import { embedding } from "./common/embedding.ts";
import { seededInits } from "./common/init.ts";
import { lstmStack } from "./common/lstm_stack.ts";
import { statefulInstance } from "./common/stateful_instance.ts";
import { tiedDense } from "./common/tied_dense.ts";
import type * as tfl from "@tensorflow/tfjs-layers";

/** LSTM language-model options. */
export interface LstmOptions {
  [key: string]: string | number | boolean | null;
  /** "small", "medium" or "large" (Zaremba et al.): the values of the params left null. */
  preset: string;
  /** LSTM layers. */
  layers: number | null;
  /** Units per layer, also the embedding size. */
  units: number | null;
  /** Dropout on non-recurrent connections. */
  dropout: number | null;
  /** Half-width of the uniform initialisation. */
  initScale: number | null;
  /** Share the embedding matrix with the output layer. */
  tied: boolean;
}

/** A preset's resolved values. */
export interface LstmShape {
  layers: number;
  units: number;
  dropout: number;
  initScale: number;
}

/** Zaremba et al.'s configurations. */
export const LSTM_PRESETS: Record<string, LstmShape> = {
  small: { layers: 2, units: 200, dropout: 0, initScale: 0.1 },
  medium: { layers: 2, units: 650, dropout: 0.5, initScale: 0.05 },
  large: { layers: 2, units: 1500, dropout: 0.65, initScale: 0.04 },
};

const DEFAULTS: LstmOptions = {
  preset: "large",
  layers: null,
  units: null,
  dropout: null,
  initScale: null,
  tied: true,
};

/** The preset with the params that are set applied over it. */
export function resolveLstm(p: LstmOptions): LstmShape {
  const base = LSTM_PRESETS[p.preset];
  return {
    layers: p.layers ?? base.layers,
    units: p.units ?? base.units,
    dropout: p.dropout ?? base.dropout,
    initScale: p.initScale ?? base.initScale,
  };
}

function problems(p: LstmOptions): string[] {
  const out = oneOf("preset", p.preset, Object.keys(LSTM_PRESETS));
  if (out.length) return out;
  const s = resolveLstm(p);
  return [
    ...positiveInt("layers", s.layers),
    ...positiveInt("units", s.units),
    ...inRange("dropout", s.dropout, 0, 1),
    ...(typeof s.initScale === "number" && s.initScale > 0
      ? []
      : [`initScale must be > 0: got ${JSON.stringify(s.initScale)}`]),
  ];
}

function count(p: LstmOptions, vocab: number): number {
  const s = resolveLstm(p);
  const lstm = 4 * s.units * (2 * s.units + 1);
  return vocab * s.units + s.layers * lstm + (p.tied ? 0 : vocab * s.units) + vocab;
}

/** An LSTM language model: `lstm({ preset: "medium", tied: false })`. */
export const lstm = defineModel(import.meta.url, "lstm", {
  domain: "text",
  defaults: DEFAULTS,
  validate: problems,
  parameterCount: (p, data) => count(p, data.numClasses),
  build(ctx: TfContext, p, data, seed) {
    const t = ctx.tfl;
    const s = resolveLstm(p);
    const inits = seededInits(t, seed);
    const init = () => inits.uniform(s.initScale);
    const tokens = t.input({ shape: [null], dtype: "int32", name: "tokens" });
    const lookup = embedding(ctx, {
      inputDim: data.numClasses,
      outputDim: s.units,
      embeddingsInitializer: init(),
      name: "embedding",
    });
    const embedded = lookup.apply(tokens) as tfl.SymbolicTensor;
    const stack = lstmStack(ctx, embedded, { ...s, inputDropout: true, init });
    const output = p.tied
      ? tiedDense(ctx, { name: "softmax", embedding: lookup, biasInitializer: init() })
      : t.layers.dense({
        units: data.numClasses,
        kernelInitializer: init(),
        biasInitializer: init(),
        name: "softmax",
      });
    const logits = output.apply(stack.output) as tfl.SymbolicTensor;
    const net = t.model({
      inputs: [tokens, ...stack.stateInputs],
      outputs: [logits, ...stack.sequences, ...stack.stateOutputs],
      name: "lstm",
    });
    return statefulInstance(ctx, net, {
      activationNames: stack.sequences.map((_, i) => `lstm${i + 1}`),
      stateWidths: stack.stateInputs.map(() => s.units),
      dataInputs: ({ x }) => [x],
    });
  },
});
