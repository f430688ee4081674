/**
 * A stack of LSTM layers with dropout on the non-recurrent connections only (Zaremba et al.
 * 2014): before each layer but the first when `inputDropout` is off, and after the last. Each
 * layer's initial state is a model input and its final state a model output, so the instance can
 * carry state across BPTT windows (see `statefulInstance`).
 *
 * @module
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../../lib/plugin/runtime.ts";
import { lstmLayer } from "./lstm_layer.ts";

type Sym = tfl.SymbolicTensor;
type Initializer = ReturnType<typeof tfl.initializers.ones>;

/** Options of an LSTM stack. */
export interface LstmStackOptions {
  layers: number;
  units: number;
  /** Dropout rate on non-recurrent connections (0 disables). */
  dropout: number;
  /** Also drop out the stack's input (Zaremba: yes; Kim et al.'s highway output: no). */
  inputDropout: boolean;
  /** A fresh initialiser per weight. */
  init: () => Initializer;
}

/** The stack's symbolic outputs and its state inputs/outputs, in layer order (h, c per layer). */
export interface LstmStack {
  /** The last layer's sequence after output dropout: feed it to the softmax layer. */
  output: Sym;
  /** Each layer's output sequence, before dropout (named activations `lstm1`, `lstm2`, …). */
  sequences: Sym[];
  stateInputs: Sym[];
  stateOutputs: Sym[];
}

/** Stack `o.layers` LSTMs on `x` ([batch, steps, features]). */
export function lstmStack(ctx: TfContext, x: Sym, o: LstmStackOptions): LstmStack {
  const t = ctx.tfl;
  const drop = (h: Sym, name: string) =>
    o.dropout > 0 ? t.layers.dropout({ rate: o.dropout, name }).apply(h) as Sym : h;
  const sequences: Sym[] = [], stateInputs: Sym[] = [], stateOutputs: Sym[] = [];
  let h = x;
  for (let i = 1; i <= o.layers; i++) {
    if (i > 1 || o.inputDropout) h = drop(h, `lstm${i}_dropout`);
    const h0 = t.input({ shape: [o.units], name: `lstm${i}_h0` });
    const c0 = t.input({ shape: [o.units], name: `lstm${i}_c0` });
    const [seq, hT, cT] = lstmLayer(ctx, {
      name: `lstm${i}`,
      units: o.units,
      kernelInitializer: o.init(),
      recurrentInitializer: o.init(),
      biasInitializer: o.init(),
    }).apply([h, h0, c0]) as Sym[];
    sequences.push(seq);
    stateInputs.push(h0, c0);
    stateOutputs.push(hT, cT);
    h = seq;
  }
  return { output: drop(h, "output_dropout"), sequences, stateInputs, stateOutputs };
}
