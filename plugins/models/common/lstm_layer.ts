/**
 * An LSTM layer (Hochreiter and Schmidhuber 1997, as in Zaremba et al. 2014) whose initial
 * state is an input and whose final state is an output: `[x, h0, c0] → [sequence, h, c]`. The
 * stock tfjs-layers LSTM cannot run a functional model with symbolic initial states, and its
 * stateful mode fixes the batch size at build time; carrying state across BPTT windows needs
 * neither. The input projection of all steps is one matrix product; only the recurrent product
 * runs per step. Gates are ordered i, f, g, o.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../../lib/plugin/runtime.ts";
import { lazyLayerClass } from "./layer_class.ts";

type Initializer = ReturnType<typeof tfl.initializers.ones>;

/** Options of the LSTM layer. */
export interface LstmLayerArgs {
  name: string;
  units: number;
  /** Initialiser of the input kernel, the recurrent kernel and the bias. */
  kernelInitializer?: Initializer;
  recurrentInitializer?: Initializer;
  biasInitializer?: Initializer;
}

const lstmClass = lazyLayerClass(({ tf, tfl: t }: TfContext) =>
  class Lstm extends t.layers.Layer {
    static className = "BornAgainLstm";
    readonly units: number;
    private readonly inits: Required<Omit<LstmLayerArgs, "name" | "units">>;
    private kernel?: tfl.LayerVariable;
    private recurrent?: tfl.LayerVariable;
    private bias?: tfl.LayerVariable;
    constructor(args: LstmLayerArgs) {
      super({ name: args.name });
      this.units = args.units;
      const zeros = t.initializers.zeros();
      this.inits = {
        kernelInitializer: args.kernelInitializer ?? zeros,
        recurrentInitializer: args.recurrentInitializer ?? zeros,
        biasInitializer: args.biasInitializer ?? zeros,
      };
    }
    override build(shapes: tfl.Shape | tfl.Shape[]): void {
      const inputDim = (shapes as tfl.Shape[])[0][2] as number;
      const g = 4 * this.units;
      this.kernel = this.addWeight(
        "kernel",
        [inputDim, g],
        "float32",
        this.inits.kernelInitializer,
      );
      this.recurrent = this.addWeight(
        "recurrent_kernel",
        [this.units, g],
        "float32",
        this.inits.recurrentInitializer,
      );
      this.bias = this.addWeight("bias", [g], "float32", this.inits.biasInitializer);
      this.built = true;
    }
    override computeOutputShape(shapes: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
      const [b, steps] = (shapes as tfl.Shape[])[0];
      return [[b, steps, this.units], [b, this.units], [b, this.units]];
    }
    override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor[] {
      return tf.tidy(() => {
        const [x, h0, c0] = inputs as [tfc.Tensor3D, tfc.Tensor2D, tfc.Tensor2D];
        const [b, steps, d] = x.shape;
        const u = this.units;
        // Time-major, so each step's rows are one contiguous block: strided slices are slow on
        // the cpu backend, and unstacking along axis 0 has a cheap gradient (one stack).
        const timeMajor = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * b, d]) as tfc.Tensor2D;
        const projected = tf.add(
          tf.matMul(timeMajor, this.kernel!.read() as tfc.Tensor2D),
          this.bias!.read(),
        );
        const perStep = tf.unstack(tf.reshape(projected, [steps, b, 4 * u])) as tfc.Tensor2D[];
        const r = this.recurrent!.read() as tfc.Tensor2D;
        let h = h0, c = c0;
        const hs: tfc.Tensor2D[] = [];
        for (const z0 of perStep) {
          const [i, f, g, o] = tf.split(tf.add(z0, tf.matMul(h, r)), 4, 1);
          c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
          h = tf.mul(tf.sigmoid(o), tf.tanh(c));
          hs.push(h);
        }
        return [tf.transpose(tf.stack(hs), [1, 0, 2]), h, c];
      });
    }
    override getConfig() {
      return { ...super.getConfig(), units: this.units };
    }
  }
);

/** A new LSTM layer on `ctx`'s tfjs-layers; apply it to `[x, h0, c0]`. */
export function lstmLayer(ctx: TfContext, args: LstmLayerArgs): tfl.layers.Layer {
  return new (lstmClass(ctx))(args);
}
