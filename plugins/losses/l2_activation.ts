/**
 * Activation matching (Furlanello et al. 2018, Sec. 4, the ablation the paper reports as slightly
 * worse than plain KD): an L2 penalty between the student's and the teacher's activations at
 * named layers,
 *   L = weight * sum_l mean((a_l - t_l)^2),
 * the mean squared difference over all elements of layer l (batch included) summed over the
 * layers, so a layer's size does not set its share and a batch's size does not set the scale.
 * Zero when the activations agree. The teacher's activations are constants of the step. Meant to
 * be added to another loss: `weightedSum([[1, kd()], [1, l2Activation({ layers: ["block1"] })]])`.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { defineLoss, PluginParamError } from "../../lib/plugin/define.ts";
import type { LossDescriptor } from "../../lib/plugin/descriptor.ts";

/** Resolved l2-activation params, as stored in the descriptor. */
export type L2ActivationParams = {
  /** Names of the activations to match, as the models' `activationNames` list them. */
  layers: string[];
  /** Factor on the summed per-layer mean squared differences. */
  weight: number;
};

/** Options of {@linkcode l2Activation}. */
export interface L2ActivationOptions {
  /** Layer names: a list, or one comma-separated string (`"block1,block2"`). */
  layers: string | readonly string[];
  /** Factor on the penalty; default 1. */
  weight?: number;
}

function validate(p: L2ActivationParams): string[] {
  const problems: string[] = [];
  if (p.layers.length === 0) problems.push("layers must name at least one activation: got none");
  for (const name of p.layers) {
    if (typeof name !== "string" || name === "") {
      problems.push(`layers must be non-empty strings: got ${JSON.stringify(name)}`);
    }
  }
  const dup = p.layers.find((name, i) => p.layers.indexOf(name) !== i);
  if (dup !== undefined) problems.push(`layers names "${dup}" twice`);
  if (!Number.isFinite(p.weight) || p.weight < 0) {
    problems.push(`weight must be finite and >= 0: got ${p.weight}`);
  }
  return problems;
}

function activation(
  who: "student" | "teacher",
  all: Record<string, tfc.Tensor> | undefined,
  name: string,
): tfc.Tensor {
  const t = all?.[name];
  if (!t) {
    const known = Object.keys(all ?? {}).sort().join(", ") || "none";
    throw new Error(
      `Loss "l2Activation": the ${who} has no activation "${name}": available are ${known}`,
    );
  }
  return t;
}

const base = defineLoss(import.meta.url, "l2Activation", {
  needsTeacher: true,
  needsActivations: true,
  defaults: { layers: [], weight: 1 } as L2ActivationParams,
  validate,
  compute({ ctx: { tf }, activations, teacherActivations }, { layers, weight }) {
    return tf.tidy(() => {
      const terms = layers.map((name) => {
        const a = activation("student", activations, name);
        const t = activation("teacher", teacherActivations, name);
        if (a.shape.join() !== t.shape.join()) {
          throw new Error(
            `Loss "l2Activation": activation "${name}" has shape [${a.shape}] in the student ` +
              `but [${t.shape}] in the teacher`,
          );
        }
        return tf.mean(tf.squaredDifference(a, t));
      });
      return tf.mul(tf.addN(terms), weight);
    });
  },
});

/**
 * L2 matching of named student and teacher activations.
 *
 * @example
 * ```ts
 * import { l2Activation } from "./l2_activation.ts";
 * const penalty = l2Activation({ layers: "block1,block2", weight: 0.5 });
 * // penalty.params.layers is ["block1", "block2"]
 * ```
 */
export const l2Activation: ((options: L2ActivationOptions) => LossDescriptor<true>) & {
  plugin: typeof base.plugin;
  kind: typeof base.kind;
  pluginName: string;
  defaults: L2ActivationParams;
} = Object.assign(
  (options: L2ActivationOptions): LossDescriptor<true> => {
    const given: unknown = options?.layers;
    if (typeof given !== "string" && !Array.isArray(given)) {
      throw new PluginParamError(
        `Param "layers" of loss plugin "l2Activation" must be a list of names or a ` +
          `comma-separated string: got ${JSON.stringify(given)}`,
      );
    }
    const layers = typeof given === "string" ? given.split(",").map((s) => s.trim()) : [...given];
    return base({ layers, weight: options.weight });
  },
  {
    plugin: base.plugin,
    kind: base.kind,
    pluginName: base.pluginName,
    defaults: base.defaults,
  },
);
