/**
 * Route tfjs-layers' BatchNormalization, in training mode on the onednn backend, through the
 * single-kernel training batch norm (batch_norm_training.ts). tfjs-layers computes training
 * statistics with moments() and a FusedBatchNorm whose gradient treats them as inputs, which no
 * kernel replacement can fuse; so the layer's `call` is wrapped. Everything else (inference,
 * other backends, other axes, missing gamma or beta) runs the layer's own code. The moving
 * averages are updated exactly as the layer does. When the only readers of the layer's output
 * are ReLU layers, the ReLU is fused into the batch norm (see batch_norm_training.ts).
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { batchNormTraining } from "./batch_norm_training.ts";

const PATCHED = Symbol.for("born-again.onednn.batchNormalization");

interface LayerLike {
  getClassName(): string;
  maxValue?: number;
  activation?: { getClassName(): string };
}

interface BnLayer {
  outboundNodes?: Array<{ outboundLayer?: LayerLike }>;
  axis: number;
  epsilon: number;
  momentum: number;
  gamma?: { read(): tfc.Tensor };
  beta?: { read(): tfc.Tensor };
  movingMean: { read(): tfc.Tensor; write(t: tfc.Tensor): void };
  movingVariance: { read(): tfc.Tensor; write(t: tfc.Tensor): void };
}

type Call = (
  this: BnLayer,
  inputs: tfc.Tensor | tfc.Tensor[],
  kwargs: Record<string, unknown>,
) => tfc.Tensor | tfc.Tensor[];

/** Wrap BatchNormalization's `call` once per process; other backends are unaffected. */
export function patchBatchNormalization(
  tf: typeof tfc,
  layers: typeof tfl,
  backendName: string,
): void {
  const proto = Object.getPrototypeOf(layers.layers.batchNormalization({})) as
    & Record<symbol, boolean>
    & { call: Call };
  if (proto[PATCHED]) return;
  const original = proto.call;
  proto.call = function (inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = (kwargs ?? {})["training"] === true;
    const axis = this.axis >= 0 ? this.axis : this.axis + x.rank;
    if (
      !training || tf.getBackend() !== backendName || axis !== x.rank - 1 || x.rank < 2 ||
      x.dtype !== "float32" || !this.gamma || !this.beta || (Array.isArray(inputs) &&
        inputs.length !== 1)
    ) {
      return original.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormTraining(
        x,
        this.gamma!.read(),
        this.beta!.read(),
        this.epsilon,
        feedsOnlyRelu(this),
      );
      movingAverage(tf, this.movingMean, mean, this.momentum);
      movingAverage(tf, this.movingVariance, variance, this.momentum);
      return y;
    });
  };
  proto[PATCHED] = true;
}

/**
 * Whether every layer reading this one's output is a plain ReLU (a `ReLU` layer without a cap or
 * an `Activation("relu")`): then the ReLU is fused into the batch norm, and the ReLU layer finds
 * its input already non-negative.
 */
function feedsOnlyRelu(layer: BnLayer): boolean {
  const nodes = layer.outboundNodes ?? [];
  return nodes.length > 0 && nodes.every(({ outboundLayer: l }) => {
    if (!l) return false;
    const name = l.getClassName();
    if (name === "ReLU") return l.maxValue == null;
    return name === "Activation" && l.activation?.getClassName() === "relu";
  });
}

/** tfjs-layers' update: v ← v − (v − value)·(1 − momentum). */
function movingAverage(
  tf: typeof tfc,
  variable: { read(): tfc.Tensor; write(t: tfc.Tensor): void },
  value: tfc.Tensor,
  momentum: number,
): void {
  tf.tidy(() => {
    const orig = variable.read();
    variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - momentum)));
  });
}
