/**
 * The character-aware language model of Kim et al. (2016, "Character-Aware Neural Language
 * Models"): each word is its characters' embeddings, convolved with filters of several widths
 * (tanh), max-pooled over the word, passed through highway layers, then a 2-layer LSTM with
 * dropout on its hidden-to-hidden-layer and hidden-to-softmax connections (not on the highway
 * output) and a softmax over words; every weight from U(±initScale), transform-gate biases −2.
 * Presets are Kim et al.'s: large (char embeddings 15, widths 1-7 with min(200, 50w) filters,
 * 2 highway layers, 2×650 LSTM, dropout 0.5: 19M parameters on PTB, the paper's teacher) and
 * small (widths 1-6 with 25w filters, 1 highway layer, 2×300 LSTM); a param left null takes the
 * preset's value.
 *
 * Input: `chars` [batch, steps, maxWordLength] (the dataset's `chars.maxWordLength`); logits
 * [batch, steps, vocab]. State carries across BPTT windows until `resetState()`.
 *
 * @module
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import { defineModel } from "../../lib/plugin/define.ts";
import type { DataShape, TfContext } from "../../lib/plugin/runtime.ts";
import { inRange, oneOf, positiveInt, positiveIntList } from "./common/checks.ts";
import { embedding } from "./common/embedding.ts";
import { highway } from "./common/highway.ts";
import { seededInits } from "./common/init.ts";
import { lstmStack } from "./common/lstm_stack.ts";
import { statefulInstance } from "./common/stateful_instance.ts";

type Sym = tfl.SymbolicTensor;

/** CNN-LSTM options. */
export interface CnnLstmOptions {
  [key: string]: string | number | number[] | null;
  /** "small" or "large" (Kim et al.): the values of the params left null. */
  preset: string;
  /** Character embedding size. */
  charEmbedding: number | null;
  /** Convolution widths in characters. */
  widths: number[] | null;
  /** Filters per width, aligned with `widths`. */
  filters: number[] | null;
  /** Highway layers. */
  highways: number | null;
  layers: number | null;
  units: number | null;
  dropout: number | null;
  initScale: number | null;
}

/** A preset's resolved values. */
export interface CnnLstmShape {
  charEmbedding: number;
  widths: number[];
  filters: number[];
  highways: number;
  layers: number;
  units: number;
  dropout: number;
  initScale: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Kim et al.'s configurations (Table 2). */
export const CNN_LSTM_PRESETS: Record<string, CnnLstmShape> = {
  small: {
    charEmbedding: 15,
    widths: range(6),
    filters: range(6).map((w) => 25 * w),
    highways: 1,
    layers: 2,
    units: 300,
    dropout: 0.5,
    initScale: 0.05,
  },
  large: {
    charEmbedding: 15,
    widths: range(7),
    filters: range(7).map((w) => Math.min(200, 50 * w)),
    highways: 2,
    layers: 2,
    units: 650,
    dropout: 0.5,
    initScale: 0.05,
  },
};

const DEFAULTS: CnnLstmOptions = {
  preset: "large",
  charEmbedding: null,
  widths: null,
  filters: null,
  highways: null,
  layers: null,
  units: null,
  dropout: null,
  initScale: null,
};

/** The preset with the params that are set applied over it. */
export function resolveCnnLstm(p: CnnLstmOptions): CnnLstmShape {
  const base = CNN_LSTM_PRESETS[p.preset];
  const out = { ...base };
  for (const key of Object.keys(base) as (keyof CnnLstmShape)[]) {
    if (p[key] !== null) (out as Record<string, unknown>)[key] = p[key];
  }
  return out;
}

function problems(p: CnnLstmOptions): string[] {
  const out = oneOf("preset", p.preset, Object.keys(CNN_LSTM_PRESETS));
  if (out.length) return out;
  const s = resolveCnnLstm(p);
  out.push(
    ...positiveInt("charEmbedding", s.charEmbedding),
    ...positiveIntList("widths", s.widths),
    ...positiveIntList("filters", s.filters),
    ...(Number.isInteger(s.highways) && s.highways >= 0
      ? []
      : [`highways must be a whole number: got ${JSON.stringify(s.highways)}`]),
    ...positiveInt("layers", s.layers),
    ...positiveInt("units", s.units),
    ...inRange("dropout", s.dropout, 0, 1),
    ...(typeof s.initScale === "number" && s.initScale > 0
      ? []
      : [`initScale must be > 0: got ${JSON.stringify(s.initScale)}`]),
  );
  if (!out.length && s.widths.length !== s.filters.length) {
    out.push(
      `filters must give one count per width: ${s.widths.length} widths, ${s.filters.length} filters`,
    );
  }
  return out;
}

function charsOf(data: DataShape, where: string) {
  if (!data.chars) {
    throw new Error(
      `${where}: cnnLstm reads characters, but the dataset gives no chars (load it with characters)`,
    );
  }
  return data.chars;
}

function count(p: CnnLstmOptions, data: DataShape): number {
  const s = resolveCnnLstm(p);
  const chars = charsOf(data, "cnnLstm.parameterCount");
  const e = s.charEmbedding;
  const d = s.filters.reduce((a, b) => a + b, 0);
  let total = chars.vocabSize * e;
  s.widths.forEach((w, i) => (total += w * e * s.filters[i] + s.filters[i]));
  total += s.highways * 2 * (d * d + d);
  let inputs = d;
  for (let i = 0; i < s.layers; i++) {
    (total += 4 * s.units * (inputs + s.units + 1)), (inputs = s.units);
  }
  return total + s.units * data.numClasses + data.numClasses;
}

/** A character-aware CNN-LSTM language model: `cnnLstm({ preset: "small" })`. */
export const cnnLstm = defineModel(import.meta.url, "cnnLstm", {
  domain: "text",
  defaults: DEFAULTS,
  validate: problems,
  parameterCount: count,
  build(ctx: TfContext, p, data, seed) {
    const t = ctx.tfl;
    const s = resolveCnnLstm(p);
    const chars = charsOf(data, "cnnLstm.build");
    const longest = Math.max(...s.widths);
    if (longest > chars.maxWordLength) {
      throw new Error(
        `cnnLstm.build: widths go up to ${longest} characters but words have at most ${chars.maxWordLength}`,
      );
    }
    const inits = seededInits(t, seed);
    const init = () => inits.uniform(s.initScale);
    const input = t.input({ shape: [null, chars.maxWordLength], dtype: "int32", name: "chars" });
    const embedded = embedding(ctx, {
      inputDim: chars.vocabSize,
      outputDim: s.charEmbedding,
      embeddingsInitializer: init(),
      name: "char_embedding",
    }).apply(input) as Sym;
    // [batch, steps, chars, embedding]: a 1×w convolution slides over one word's characters.
    const pooled = s.widths.map((w, i) => {
      const conv = t.layers.conv2d({
        filters: s.filters[i],
        kernelSize: [1, w],
        activation: "tanh",
        kernelInitializer: init(),
        biasInitializer: init(),
        name: `char_conv${w}`,
      }).apply(embedded) as Sym;
      const max = t.layers.maxPooling2d({
        poolSize: [1, chars.maxWordLength - w + 1],
        strides: [1, 1],
        name: `char_pool${w}`,
      }).apply(conv) as Sym;
      return t.layers.reshape({ targetShape: [-1, s.filters[i]], name: `char_flat${w}` })
        .apply(max) as Sym;
    });
    let words = pooled.length > 1
      ? t.layers.concatenate({ axis: -1, name: "char_features" }).apply(pooled) as Sym
      : pooled[0];
    for (let i = 1; i <= s.highways; i++) {
      words = highway(ctx, { name: `highway${i}`, kernelInitializer: init() }).apply(words) as Sym;
    }
    const stack = lstmStack(ctx, words, { ...s, inputDropout: false, init });
    const logits = t.layers.dense({
      units: data.numClasses,
      kernelInitializer: init(),
      biasInitializer: init(),
      name: "softmax",
    }).apply(stack.output) as Sym;
    const net = t.model({
      inputs: [input, ...stack.stateInputs],
      outputs: [logits, words, ...stack.sequences, ...stack.stateOutputs],
      name: "cnn_lstm",
    });
    return statefulInstance(ctx, net, {
      activationNames: ["words", ...stack.sequences.map((_, i) => `lstm${i + 1}`)],
      stateWidths: stack.stateInputs.map(() => s.units),
      dataInputs: ({ chars }) => {
        if (!chars) {
          throw new Error(
            "cnnLstm.forward: input.chars [batch, steps, maxWordLength] is missing (load the dataset with characters)",
          );
        }
        return [chars];
      },
    });
  },
});
