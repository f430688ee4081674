/**
 * An LSTM layer (Hochreiter and Schmidhuber 1997, as in Zaremba et al. 2014) whose initial
 * state is an input and whose final state is an output: `[x, h0, c0] → [sequence, h, c]`. The
 * stock tfjs-layers LSTM cannot run a functional model with symbolic initial states, and its
 * stateful mode fixes the batch size at build time; carrying state across BPTT windows needs
 * neither. The input projection of all steps is one matrix product, only the recurrent product
 * runs per step, and the backward pass is written out (see `lstmSequenceFn`). Gates are ordered
 * i, f, g, o, as in tfjs-layers and Keras, so weights exchange with the stock layer.
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

/**
 * The LSTM over a whole window with a hand-written backward pass (BPTT), as a function of
 * (x [batch, steps, d], h0, c0, kernel [d, 4u], recurrent [u, 4u], bias [4u]) returning
 * [steps + 2, batch, u]: the hidden states time-major, then the final h and c. Autodiff through
 * the per-step ops would form one [u, 4u] recurrent-kernel gradient per step (an outer-product
 * shaped matrix product and an addition each, all held until the step ends); here the weight
 * gradients are three matrix products over all steps at once.
 */
export function lstmSequenceFn(tf: TfContext["tf"]) {
  type T2 = tfc.Tensor2D;
  return tf.customGrad((...args: (tfc.Tensor | tfc.GradSaveFunc)[]) => {
    const [x, h0, c0, kernel, recurrent, bias, save] = args as [
      tfc.Tensor3D,
      T2,
      T2,
      T2,
      T2,
      tfc.Tensor1D,
      tfc.GradSaveFunc,
    ];
    const [b, steps, d] = x.shape;
    const u = h0.shape[1];
    // Time-major, so each step's rows are one contiguous block (strided slices are slow on cpu).
    const xs = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * b, d]) as T2;
    const projected = tf.unstack(
      tf.reshape(tf.add(tf.matMul(xs, kernel), bias), [steps, b, 4 * u]),
    ) as T2[];
    let h = h0, c = c0;
    const hs: T2[] = [], cs: T2[] = [], tcs: T2[] = [], gates: T2[][] = [[], [], [], []];
    for (const p of projected) {
      const [zi, zf, zg, zo] = tf.split(tf.add(p, tf.matMul(h, recurrent)), 4, 1) as T2[];
      const [i, f, g, o] = [tf.sigmoid(zi), tf.sigmoid(zf), tf.tanh(zg), tf.sigmoid(zo)];
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      const tc = tf.tanh(c);
      h = tf.mul(o, tc);
      [i, f, g, o].forEach((v, k) => gates[k].push(v));
      hs.push(h), cs.push(c), tcs.push(tc);
    }
    const hSeq = tf.stack(hs);
    save([
      xs,
      h0,
      c0,
      kernel,
      recurrent,
      hSeq,
      tf.stack(cs),
      tf.stack(tcs),
      ...gates.map((g) => tf.stack(g)),
    ]);
    return {
      value: tf.concat([hSeq, tf.stack([h, c])], 0),
      gradFunc: (dy: tfc.Tensor, saved: tfc.Tensor[]) => {
        const [xs, h0, c0, kernel, recurrent, hSeq, cSeq, tcSeq, iSeq, fSeq, gSeq, oSeq] = saved;
        const dys = tf.unstack(dy) as T2[];
        const [cAt, tcAt, iAt, fAt, gAt, oAt] = [cSeq, tcSeq, iSeq, fSeq, gSeq, oSeq].map(
          (s) => tf.unstack(s) as T2[],
        );
        let dh = dys[steps], dc = dys[steps + 1];
        const dzs: T2[] = new Array(steps);
        for (let t = steps - 1; t >= 0; t--) {
          const dht = tf.add(dys[t], dh);
          const [i, f, g, o, tc] = [iAt[t], fAt[t], gAt[t], oAt[t], tcAt[t]];
          const dct = tf.add(dc, tf.mul(tf.mul(dht, o), tf.sub(1, tf.square(tc))));
          const cPrev = t > 0 ? cAt[t - 1] : (c0 as T2);
          const dzi = tf.mul(tf.mul(dct, g), tf.mul(i, tf.sub(1, i)));
          const dzf = tf.mul(tf.mul(dct, cPrev), tf.mul(f, tf.sub(1, f)));
          const dzg = tf.mul(tf.mul(dct, i), tf.sub(1, tf.square(g)));
          const dzo = tf.mul(tf.mul(dht, tc), tf.mul(o, tf.sub(1, o)));
          const dz = tf.concat([dzi, dzf, dzg, dzo], 1) as T2;
          dzs[t] = dz;
          dh = tf.matMul(dz, recurrent as T2, false, true);
          dc = tf.mul(dct, f);
        }
        const dZ = tf.reshape(tf.stack(dzs), [steps * b, 4 * u]) as T2;
        const earlier = steps > 1 ? [tf.slice(hSeq, [0, 0, 0], [steps - 1, b, u])] : [];
        const hPrev = tf.reshape(tf.concat([tf.reshape(h0, [1, b, u]), ...earlier], 0), [
          steps * b,
          u,
        ]) as T2;
        const dx = tf.transpose(
          tf.reshape(tf.matMul(dZ, kernel as T2, false, true), [steps, b, d]),
          [1, 0, 2],
        );
        return [
          dx,
          dh,
          dc,
          tf.matMul(xs as T2, dZ, true, false),
          tf.matMul(hPrev, dZ, true, false),
          tf.sum(dZ, 0),
        ];
      },
    };
  });
}

const lstmClass = lazyLayerClass(({ tf, tfl: t }: TfContext) => {
  const lstmSequence = lstmSequenceFn(tf);
  return class Lstm extends t.layers.Layer {
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
        const steps = x.shape[1];
        // One tensor out of customGrad: [steps + 2, batch, units] = the sequence, then h, c.
        const packed = lstmSequence(
          x,
          h0,
          c0,
          this.kernel!.read(),
          this.recurrent!.read(),
          this.bias!.read(),
        );
        const [b, u] = [x.shape[0], this.units];
        const seq = tf.transpose(tf.slice(packed, [0, 0, 0], [steps, b, u]), [1, 0, 2]);
        const h = tf.reshape(tf.slice(packed, [steps, 0, 0], [1, b, u]), [b, u]);
        const c = tf.reshape(tf.slice(packed, [steps + 1, 0, 0], [1, b, u]), [b, u]);
        return [seq, h, c];
      });
    }
    override getConfig() {
      return { ...super.getConfig(), units: this.units };
    }
  };
});

/** A new LSTM layer on `ctx`'s tfjs-layers; apply it to `[x, h0, c0]`. */
export function lstmLayer(ctx: TfContext, args: LstmLayerArgs): tfl.layers.Layer {
  return new (lstmClass(ctx))(args);
}
