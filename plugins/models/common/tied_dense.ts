/**
 * The output layer of a language model with tied input and output embeddings (Press and Wolf
 * 2017; Inan et al. 2017): logits = h · Eᵀ + b, where E is the embedding layer's matrix, read
 * (not copied) at every call so both uses share one variable and one gradient. Only the bias
 * belongs to this layer. Applies to [batch, steps, units] and returns [batch, steps, vocab].
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../../lib/plugin/runtime.ts";
import { lazyLayerClass } from "./layer_class.ts";

type Initializer = ReturnType<typeof tfl.initializers.ones>;

/** Options of the tied output layer. */
export interface TiedDenseArgs {
  name: string;
  /** The (already built) embedding layer whose [vocab, units] matrix is shared. */
  embedding: tfl.layers.Layer;
  biasInitializer?: Initializer;
}

const tiedDenseClass = lazyLayerClass(({ tf, tfl: t }: TfContext) =>
  class TiedDense extends t.layers.Layer {
    static className = "BornAgainTiedDense";
    private readonly embedding: tfl.layers.Layer;
    private readonly biasInit: Initializer;
    private bias?: tfl.LayerVariable;
    constructor(args: TiedDenseArgs) {
      super({ name: args.name });
      this.embedding = args.embedding;
      this.biasInit = args.biasInitializer ?? t.initializers.zeros();
    }
    private matrix(): tfl.LayerVariable {
      const w = this.embedding.trainableWeights[0] ?? this.embedding.nonTrainableWeights[0];
      if (!w) {
        throw new Error(`${this.name}: embedding layer "${this.embedding.name}" is not built`);
      }
      return w;
    }
    override build(shapes: tfl.Shape | tfl.Shape[]): void {
      const units = (shapes as tfl.Shape).at(-1);
      const [vocab, dim] = this.matrix().shape as number[];
      if (units !== dim) {
        throw new Error(
          `${this.name}: tied weights need input width ${dim} (the embedding size): got ${units}`,
        );
      }
      this.bias = this.addWeight("bias", [vocab], "float32", this.biasInit);
      this.built = true;
    }
    override computeOutputShape(shapes: tfl.Shape | tfl.Shape[]): tfl.Shape {
      return [...(shapes as tfl.Shape).slice(0, -1), this.matrix().shape[0]];
    }
    override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
      return tf.tidy(() => {
        const h = Array.isArray(inputs) ? inputs[0] : inputs;
        const e = this.matrix().read() as tfc.Tensor2D;
        const units = h.shape.at(-1)!;
        const flat = tf.reshape(h, [-1, units]) as tfc.Tensor2D;
        const logits = tf.add(tf.matMul(flat, e, false, true), this.bias!.read());
        return tf.reshape(logits, [...h.shape.slice(0, -1), e.shape[0]]);
      });
    }
    override getConfig() {
      return { ...super.getConfig(), embedding: this.embedding.name };
    }
  }
);

/** A new tied output layer on `ctx`'s tfjs-layers. */
export function tiedDense(ctx: TfContext, args: TiedDenseArgs): tfl.layers.Layer {
  return new (tiedDenseClass(ctx))(args);
}
