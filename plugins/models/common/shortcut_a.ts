/**
 * He et al.'s option-A shortcut for CIFAR ResNets (2016, §4.2): when a stage halves the feature
 * map and widens the channels, the identity is subsampled with stride 2 (`x[:, ::2, ::2, :]`)
 * and zero-padded to the new width, so shortcuts add no parameters.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../../lib/plugin/runtime.ts";
import { lazyLayerClass } from "./layer_class.ts";

/** Options of the option-A shortcut layer. */
export interface ShortcutAArgs {
  name: string;
  /** Output channels; at least the input's. */
  channels: number;
  /** Spatial subsampling (1 or 2). */
  stride: number;
}

const shortcutAClass = lazyLayerClass(({ tf, tfl: t }: TfContext) =>
  class ShortcutA extends t.layers.Layer {
    static className = "BornAgainShortcutA";
    readonly channels: number;
    readonly stride: number;
    constructor(args: ShortcutAArgs) {
      super({ name: args.name });
      this.channels = args.channels;
      this.stride = args.stride;
    }
    override computeOutputShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape {
      const [b, h, w] = shape as tfl.Shape;
      const sub = (d: number | null) => (d === null ? null : Math.ceil(d / this.stride));
      return [b, sub(h), sub(w), this.channels];
    }
    override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
      return tf.tidy(() => {
        let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfc.Tensor4D;
        // A 1×1 average pool with stride s is exactly x[:, ::s, ::s, :] and has a gradient.
        if (this.stride > 1) x = tf.avgPool(x, 1, this.stride, "valid");
        const extra = this.channels - x.shape[3];
        if (extra < 0) {
          throw new Error(
            `${this.name}: option-A shortcut cannot narrow ${
              x.shape[3]
            } channels to ${this.channels}`,
          );
        }
        const lo = extra >> 1;
        return extra ? tf.pad(x, [[0, 0], [0, 0], [0, 0], [lo, extra - lo]]) : x;
      });
    }
    override getConfig() {
      return { ...super.getConfig(), channels: this.channels, stride: this.stride };
    }
  }
);

/** A new option-A shortcut layer on `ctx`'s tfjs-layers. */
export function shortcutA(ctx: TfContext, args: ShortcutAArgs): tfl.layers.Layer {
  return new (shortcutAClass(ctx))(args);
}
