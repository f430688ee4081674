/**
 * A small multilayer perceptron for images: flatten → dense(hidden, relu) × layers → dense(classes).
 * Not from the paper: it exists so smoke runs and tests train in seconds on any executor.
 *
 * @module
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import { defineModel } from "../../lib/plugin/define.ts";

/** MLP options. */
export interface MlpOptions {
  [key: string]: number;
  /** Units per hidden layer. */
  hidden: number;
  /** Hidden layers. */
  layers: number;
}

/** A tiny image classifier for smoke runs. */
export const mlp = defineModel(import.meta.url, "mlp", {
  domain: "image",
  defaults: { hidden: 32, layers: 1 } as MlpOptions,
  validate: (p) => [
    ...(Number.isInteger(p.hidden) && p.hidden > 0
      ? []
      : [`hidden must be a positive integer: got ${p.hidden}`]),
    ...(Number.isInteger(p.layers) && p.layers >= 0
      ? []
      : [`layers must be a whole number: got ${p.layers}`]),
  ],
  parameterCount(p, data) {
    const input = data.imageShape!.reduce((a, b) => a * b, 1);
    let n = 0, prev = input;
    for (let i = 0; i < p.layers; i++) (n += prev * p.hidden + p.hidden), (prev = p.hidden);
    return n + prev * data.numClasses + data.numClasses;
  },
  build({ tfl }, p, data, seed) {
    const input = tfl.input({ shape: data.imageShape! });
    let h: tfl.SymbolicTensor = tfl.layers.flatten({ name: "flatten" }).apply(
      input,
    ) as tfl.SymbolicTensor;
    const acts: tfl.SymbolicTensor[] = [];
    for (let i = 0; i < p.layers; i++) {
      h = tfl.layers.dense({
        units: p.hidden,
        activation: "relu",
        name: `hidden${i + 1}`,
        kernelInitializer: tfl.initializers.heNormal({ seed: seed + i }),
      }).apply(h) as tfl.SymbolicTensor;
      acts.push(h);
    }
    const logits = tfl.layers.dense({
      units: data.numClasses,
      name: "fc",
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1000 }),
    }).apply(h) as tfl.SymbolicTensor;
    const net = tfl.model({ inputs: input, outputs: [logits, ...acts], name: "mlp" });
    const activationNames = acts.map((_, i) => `hidden${i + 1}`);
    return {
      net,
      activationNames,
      forward({ x }, { training, activations }) {
        const outs = net.apply(x, { training }) as import("@tensorflow/tfjs-core").Tensor[];
        const [out, ...rest] = Array.isArray(outs) ? outs : [outs];
        return activations
          ? {
            logits: out,
            activations: Object.fromEntries(activationNames.map((n, i) => [n, rest[i]])),
          }
          : { logits: out };
      },
    };
  },
});
