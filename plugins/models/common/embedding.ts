/**
 * An embedding lookup whose gradient is a scatter-add of the output gradient into the rows that
 * were read: O(tokens × size) work. The stock layer's gradient goes through UnsortedSegmentSum,
 * which the cpu backend computes with one masked pass over the whole gradient per vocabulary row
 * (10k passes for PTB: minutes and gigabytes per step) and the wasm backend does not have.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../../lib/plugin/runtime.ts";
import { lazyLayerClass } from "./layer_class.ts";

type Initializer = ReturnType<typeof tfl.initializers.ones>;

/** Options of the embedding layer. */
export interface EmbeddingArgs {
  name: string;
  /** Rows (vocabulary size). */
  inputDim: number;
  /** Columns (embedding size). */
  outputDim: number;
  embeddingsInitializer?: Initializer;
}

const embeddingClass = lazyLayerClass(({ tf, tfl: t }: TfContext) =>
  class Embedding extends t.layers.Layer {
    static className = "BornAgainEmbedding";
    readonly inputDim: number;
    readonly outputDim: number;
    private readonly init: Initializer;
    private matrix?: tfl.LayerVariable;
    constructor(args: EmbeddingArgs) {
      super({ name: args.name, dtype: "int32" });
      this.inputDim = args.inputDim;
      this.outputDim = args.outputDim;
      this.init = args.embeddingsInitializer ?? t.initializers.randomUniform({});
    }
    override build(): void {
      this.matrix = this.addWeight(
        "embeddings",
        [this.inputDim, this.outputDim],
        "float32",
        this.init,
      );
      this.built = true;
    }
    override computeOutputShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape {
      return [...(shape as tfl.Shape), this.outputDim];
    }
    override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
      const ids = (Array.isArray(inputs) ? inputs[0] : inputs) as tfc.Tensor;
      const flat = tf.reshape(tf.cast(ids, "int32"), [-1]) as tfc.Tensor1D;
      const [rows, size] = [this.inputDim, this.outputDim];
      // The ids are saved, not captured: the layer's caller disposes them before the backward pass.
      const lookup = tf.customGrad((...args: (tfc.Tensor | tfc.GradSaveFunc)[]) => {
        const [e, save] = args as [tfc.Tensor, tfc.GradSaveFunc];
        save([flat]);
        return {
          value: tf.gather(e, flat),
          gradFunc: (dy: tfc.Tensor, [indices]: tfc.Tensor[]) =>
            tf.scatterND(tf.reshape(indices, [-1, 1]), tf.reshape(dy, [-1, size]), [rows, size]),
        };
      });
      const out = lookup(this.matrix!.read());
      return tf.reshape(out, [...ids.shape, size]);
    }
    override getConfig() {
      return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim };
    }
  }
);

/** A new embedding layer on `ctx`'s tfjs-layers. */
export function embedding(ctx: TfContext, args: EmbeddingArgs): tfl.layers.Layer {
  return new (embeddingClass(ctx))(args);
}
