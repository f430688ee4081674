/**
 * Route tfjs-layers' BatchNormalization, in training mode, through a backend's single-kernel
 * training batch norm (onednn/kernels/batch_norm_training.ts, cpu/kernels/training_batch_norm.ts).
 * tfjs-layers computes training statistics with moments() and a FusedBatchNorm whose gradient
 * treats them as inputs, which no kernel replacement can fuse; so the layer's `call` is wrapped,
 * once per process, and each backend registers its route. Everything else (inference, backends
 * without a route, other axes, missing gamma or beta) runs the layer's own code. The moving
 * averages are updated exactly as the layer does. When the route fuses ReLU and the only readers
 * of the layer's output are ReLU layers, the ReLU is applied inside the batch norm.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";

const ROUTES = Symbol.for("born-again.executors.batchNormalization");

/** A backend's training batch norm: [y, mean, biased variance] over all but the last axis. */
export interface BatchNormRoute {
  run(
    x: tfc.Tensor,
    scale: tfc.Tensor,
    offset: tfc.Tensor,
    epsilon: number,
    relu: boolean,
  ): tfc.Tensor[];
  /** Whether `run` may be asked to apply ReLU (the next ReLU must then cost nothing). */
  fusesRelu: boolean;
}

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

/**
 * Route BatchNormalization's training `call` on `backendName` through `route`; the layer's `call`
 * is wrapped once per process, and backends without a route are unaffected.
 */
export function patchBatchNormalization(
  tf: typeof tfc,
  layers: typeof tfl,
  backendName: string,
  route: BatchNormRoute,
): void {
  const proto = Object.getPrototypeOf(layers.layers.batchNormalization({})) as
    & { [ROUTES]?: Map<string, BatchNormRoute> }
    & { call: Call };
  const known = proto[ROUTES];
  if (known) {
    known.set(backendName, route);
    return;
  }
  const routes = new Map([[backendName, route]]);
  proto[ROUTES] = routes;
  const original = proto.call;
  proto.call = function (inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = (kwargs ?? {})["training"] === true;
    const axis = this.axis >= 0 ? this.axis : this.axis + x.rank;
    const route = routes.get(tf.getBackend());
    if (
      !route || !training || axis !== x.rank - 1 || x.rank < 2 || x.dtype !== "float32" ||
      !this.gamma || !this.beta || (Array.isArray(inputs) && inputs.length !== 1)
    ) {
      return original.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const [y, mean, variance] = route.run(
        x,
        this.gamma!.read(),
        this.beta!.read(),
        this.epsilon,
        route.fusesRelu && feedsOnlyRelu(this),
      );
      movingAverage(tf, this.movingMean, mean, this.momentum);
      movingAverage(tf, this.movingVariance, variance, this.momentum);
      return y;
    });
  };
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
