/**
 * A highway layer (Srivastava et al. 2015) as Kim et al. (2016) use it over character-CNN word
 * features: z = t ⊙ relu(W_H y + b_H) + (1 − t) ⊙ y with the transform gate
 * t = σ(W_T y + b_T); b_T starts at −2 so the layer first carries its input through.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../../lib/plugin/runtime.ts";
import { lazyLayerClass } from "./layer_class.ts";

type Initializer = ReturnType<typeof tfl.initializers.ones>;

/** Options of the highway layer. */
export interface HighwayArgs {
  name: string;
  /** Initialiser of both weight matrices and of b_H. */
  kernelInitializer?: Initializer;
  /** Initial transform-gate bias (Kim et al.: −2). */
  gateBias?: number;
}

const highwayClass = lazyLayerClass(({ tf, tfl: t }: TfContext) =>
  class Highway extends t.layers.Layer {
    static className = "BornAgainHighway";
    private readonly kernelInit: Initializer;
    private readonly gateBias: number;
    private w?: tfl.LayerVariable[];
    constructor(args: HighwayArgs) {
      super({ name: args.name });
      this.kernelInit = args.kernelInitializer ?? t.initializers.glorotUniform({});
      this.gateBias = args.gateBias ?? -2;
    }
    override build(shapes: tfl.Shape | tfl.Shape[]): void {
      const d = (shapes as tfl.Shape).at(-1) as number;
      this.w = [
        this.addWeight("transform_kernel", [d, d], "float32", this.kernelInit),
        this.addWeight("transform_bias", [d], "float32", this.kernelInit),
        this.addWeight("gate_kernel", [d, d], "float32", this.kernelInit),
        this.addWeight(
          "gate_bias",
          [d],
          "float32",
          t.initializers.constant({ value: this.gateBias }),
        ),
      ];
      this.built = true;
    }
    override computeOutputShape(shapes: tfl.Shape | tfl.Shape[]): tfl.Shape {
      return shapes as tfl.Shape;
    }
    override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
      return tf.tidy(() => {
        const y = Array.isArray(inputs) ? inputs[0] : inputs;
        const d = y.shape.at(-1)!;
        const flat = tf.reshape(y, [-1, d]) as tfc.Tensor2D;
        const [wh, bh, wt, bt] = this.w!.map((v) => v.read());
        const h = tf.relu(tf.add(tf.matMul(flat, wh as tfc.Tensor2D), bh));
        const gate = tf.sigmoid(tf.add(tf.matMul(flat, wt as tfc.Tensor2D), bt));
        // t·h + (1−t)·y = y + t·(h − y)
        return tf.reshape(tf.add(flat, tf.mul(gate, tf.sub(h, flat))), y.shape);
      });
    }
    override getConfig() {
      return { ...super.getConfig(), gateBias: this.gateBias };
    }
  }
);

/** A new highway layer on `ctx`'s tfjs-layers. */
export function highway(ctx: TfContext, args: HighwayArgs): tfl.layers.Layer {
  return new (highwayClass(ctx))(args);
}
