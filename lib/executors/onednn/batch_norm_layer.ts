/**
 * Route tfjs-layers' BatchNormalization, in training mode on the onednn backend, through the
 * single-kernel training batch norm (batch_norm_training.ts). tfjs-layers computes training
 * statistics with moments() and a FusedBatchNorm whose gradient treats them as inputs, which no
 * kernel replacement can fuse; so the layer's `call` is wrapped. Everything else (inference,
 * other backends, other axes, missing gamma or beta) runs the layer's own code. The moving
 * averages are updated exactly as the layer does.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { batchNormTraining } from "./batch_norm_training.ts";

const PATCHED = Symbol.for("born-again.onednn.batchNormalization");

interface BnLayer {
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
      );
      movingAverage(tf, this.movingMean, mean, this.momentum);
      movingAverage(tf, this.movingVariance, variance, this.momentum);
      return y;
    });
  };
  proto[PATCHED] = true;
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
