/**
 * A weighted sum of other losses, L = sum_k w_k L_k, so losses compose without new code:
 * `weightedSum([[1, kd()], [0.5, l2Activation({ layers: ["block1"] })]])` is KD plus half the
 * activation penalty (the paper's activation-matching ablation).
 *
 * The descriptor is plain data: its params hold each member's weight and full descriptor, so
 * changing a member's params changes the step key. It needs a teacher (activations) when any
 * member does. At run time each member module is imported once by the async `prepare` hook,
 * which the worker awaits before the first `compute`; `compute` itself stays synchronous. Every
 * member sees the same inputs, `seed` included.
 *
 * @module
 */
import { defineLoss, PluginParamError } from "../../lib/plugin/define.ts";
import type { JsonObject, LossDescriptor } from "../../lib/plugin/descriptor.ts";
import { moduleUrl } from "../../lib/plugin/module_id.ts";
import type { LossPlugin } from "../../lib/plugin/runtime.ts";

/** One member as it is declared: its weight and its loss descriptor. */
export type WeightedMember = readonly [weight: number, loss: LossDescriptor];

/** One member as stored in the params. */
export type WeightedSumMember = {
  weight: number;
  loss: {
    kind: "loss";
    name: string;
    module: string;
    export: string;
    params: JsonObject;
    needsTeacher: boolean;
    needsActivations: boolean;
  };
};

/** Resolved weighted-sum params. */
export type WeightedSumParams = { members: WeightedSumMember[] };

type Or<A extends boolean, B extends boolean> = [A] extends [true] ? true
  : [B] extends [true] ? true
  : [A] extends [false] ? ([B] extends [false] ? false : boolean)
  : boolean;

/**
 * Whether a list of members needs a teacher, as precisely as the types allow: `true` when some
 * member's loss is known to need one, `false` when none can, `boolean` otherwise.
 */
export type AnyNeedsTeacher<M extends readonly WeightedMember[]> = M extends readonly [
  readonly [number, infer D extends LossDescriptor],
  ...infer R extends readonly WeightedMember[],
] ? Or<D["needsTeacher"], AnyNeedsTeacher<R>>
  : number extends M["length"] ? Or<M[number][1]["needsTeacher"], false>
  : false;

/** Member implementations by `module#export`, filled by `prepare`. */
const resolved = new Map<string, LossPlugin<JsonObject>>();

const memberKey = (loss: WeightedSumMember["loss"]) => `${loss.module}#${loss.export}`;

function validate({ members }: WeightedSumParams): string[] {
  if (!Array.isArray(members) || members.length === 0) {
    return ["members must list at least one [weight, loss] pair"];
  }
  const problems: string[] = [];
  members.forEach(({ weight, loss }, i) => {
    if (typeof weight !== "number" || !Number.isFinite(weight)) {
      problems.push(`members[${i}] weight must be a finite number: got ${weight}`);
    }
    if (loss?.kind !== "loss" || typeof loss.module !== "string") {
      problems.push(`members[${i}] must be a loss descriptor: got ${JSON.stringify(loss)}`);
    }
  });
  return problems;
}

async function prepare({ members }: WeightedSumParams): Promise<void> {
  for (const { loss } of members) {
    const key = memberKey(loss);
    let plugin = resolved.get(key);
    if (!plugin) {
      const mod: Record<string, unknown> = await import(moduleUrl(loss.module));
      const factory = mod[loss.export] as { kind?: string; plugin?: LossPlugin } | undefined;
      if (factory?.kind !== "loss" || typeof factory.plugin?.compute !== "function") {
        throw new Error(
          `Loss "weightedSum": member "${loss.name}" names module ${loss.module} export ` +
            `"${loss.export}", which is not a loss plugin`,
        );
      }
      plugin = factory.plugin as LossPlugin<JsonObject>;
      resolved.set(key, plugin);
    }
    await plugin.prepare?.(loss.params);
  }
}

const base = defineLoss(import.meta.url, "weightedSum", {
  needsTeacher: false as boolean,
  defaults: { members: [] } as WeightedSumParams,
  validate,
  prepare,
  compute(inputs, { members }) {
    const { tf } = inputs.ctx;
    return tf.tidy(() =>
      tf.addN(members.map(({ weight, loss }) => {
        const plugin = resolved.get(memberKey(loss));
        if (!plugin) {
          throw new Error(
            `Loss "weightedSum": member "${loss.name}" (${memberKey(loss)}) is not loaded: ` +
              `await the plugin's prepare(params) before compute`,
          );
        }
        const value = plugin.compute(inputs, loss.params);
        if (value.rank !== 0) {
          throw new Error(
            `Loss "weightedSum": member "${loss.name}" returned shape [${value.shape}], not a scalar`,
          );
        }
        return tf.mul(value, weight);
      }))
    );
  },
});

function member(entry: WeightedMember, i: number): WeightedSumMember {
  const [weight, loss] = Array.isArray(entry) ? entry : [];
  if (typeof weight !== "number" || loss?.kind !== "loss") {
    throw new PluginParamError(
      `Loss plugin "weightedSum": members[${i}] must be a [weight, loss descriptor] pair: got ${
        JSON.stringify(entry)
      }`,
    );
  }
  return {
    weight,
    loss: {
      kind: "loss",
      name: loss.name,
      module: loss.module,
      export: loss.export,
      params: structuredClone(loss.params),
      needsTeacher: loss.needsTeacher,
      needsActivations: loss.needsActivations,
    },
  };
}

/**
 * The weighted sum of the given losses; needs a teacher (activations) when any member does.
 *
 * @example
 * ```ts
 * import { kd } from "./kd.ts";
 * import { l2Activation } from "./l2_activation.ts";
 * import { weightedSum } from "./weighted_sum.ts";
 * const loss = weightedSum([[1, kd()], [0.5, l2Activation({ layers: ["block1"] })]]);
 * // loss.needsTeacher: true (a type-level literal), loss.needsActivations: true
 * ```
 */
export const weightedSum:
  & (<const M extends readonly WeightedMember[]>(
    members: M,
  ) => LossDescriptor<AnyNeedsTeacher<M>>)
  & {
    plugin: typeof base.plugin;
    kind: typeof base.kind;
    pluginName: string;
    defaults: WeightedSumParams;
  } = Object.assign(
    <const M extends readonly WeightedMember[]>(
      members: M,
    ): LossDescriptor<AnyNeedsTeacher<M>> => {
      if (!Array.isArray(members)) {
        throw new PluginParamError(
          `Loss plugin "weightedSum" takes a list of [weight, loss] pairs: got ${
            JSON.stringify(members)
          }`,
        );
      }
      const list = members.map(member);
      const descriptor = base({ members: list });
      return {
        ...descriptor,
        needsTeacher: list.some((m) => m.loss.needsTeacher) as AnyNeedsTeacher<M>,
        needsActivations: list.some((m) => m.loss.needsActivations),
      };
    },
    {
      plugin: base.plugin,
      kind: base.kind,
      pluginName: base.pluginName,
      defaults: base.defaults,
    },
  );
