/**
 * The pipeline DSL. `pipeline(name, build)` returns a definition; calling `declare(overrides)`
 * runs `build` once per seed replicate with builders that only record steps, and returns the
 * plain {@linkcode Graph}. Nothing is trained or loaded here.
 *
 * @example
 * ```ts
 * export default pipeline("smoke", ({ param, dataset, train, ensemble }) => {
 *   const data = dataset(synthetic());
 *   const teacher = train("teacher", { data, model: mlp(), loss: crossEntropy() });
 *   const gen1 = train("gen1", { data, model: mlp(), loss: kd(), teacher });
 *   ensemble("bane", { members: [gen1], data });
 * });
 * ```
 * @module
 */
import type {
  DatasetDescriptor,
  Domain,
  Json,
  LossDescriptor,
  ModelDescriptor,
} from "../plugin/descriptor.ts";
import type { Graph, ParamDecl, StepSpec } from "../spec/step.ts";
import { CIFAR_RECIPE, type Recipe } from "../train/recipe.ts";
import { PipelineError } from "../errors.ts";
import { deriveSeed } from "./seed.ts";
import { closest } from "../util/suggest.ts";

declare const handleBrand: unique symbol;

/** A dataset declared in a pipeline. */
export interface DataHandle<D extends Domain> {
  readonly descriptor: DatasetDescriptor<D>;
  readonly domain: D;
}

/** What a step produces: a trained model (or ensemble) of domain `D`. */
export interface StepHandle<D extends Domain> {
  readonly step: string;
  readonly domain: D;
  readonly kind: "train" | "ensemble";
  readonly [handleBrand]?: D;
}

/** A trained model that can teach or be an ensemble member. */
export type Trained<D extends Domain> = StepHandle<D> & { readonly kind: "train" };

type TeacherField<D extends Domain, T extends boolean> = [T] extends [true]
  ? { teacher: Trained<D> | Trained<D>[] }
  : [T] extends [false] ? { teacher?: never }
  : { teacher?: Trained<D> | Trained<D>[] };

/** Options of a train step: data, model, loss, teacher when the loss needs one, recipe overrides. */
export type TrainOptions<D extends Domain, T extends boolean> =
  & {
    data: DataHandle<D>;
    model: ModelDescriptor<NoInfer<D>>;
    loss: LossDescriptor<T>;
    /** Copy (and optionally freeze) named layers from another trained step. */
    transfer?: { from: Trained<NoInfer<D>>; layers: string[]; freeze?: boolean };
    /** Fix the seed instead of deriving it from the step name and replicate. */
    seed?: number;
  }
  & Partial<Recipe>
  & TeacherField<D, T>;

/** Options of an ensemble step (BANE, Eq. 4: the average of the members' softmax outputs). */
export interface EnsembleOptions<D extends Domain> {
  members: StepHandle<D>[];
  data: DataHandle<D>;
}

/** The builders a pipeline's body receives. */
export interface Builders {
  /** Declare a pipeline parameter; returns the value in force (default or override). */
  param<V extends number | string | boolean>(name: string, defaultValue: V, doc?: string): V;
  dataset<D extends Domain>(descriptor: DatasetDescriptor<D>): DataHandle<D>;
  train<D extends Domain, T extends boolean>(name: string, options: TrainOptions<D, T>): Trained<D>;
  ensemble<D extends Domain>(name: string, options: EnsembleOptions<D>): StepHandle<D>;
  /** Replicate index of this invocation (1-based). */
  replicate: number;
}

/** A pipeline definition, the default export of a pipeline file. */
export interface PipelineDefinition {
  readonly name: string;
  /** Record the graph with the given param overrides. */
  declare(overrides?: Record<string, Json>, file?: string): Graph;
}

/**
 * The recipe fields a train step accepts: the keys of a complete `Recipe` value (the compiler
 * holds `CIFAR_RECIPE` to exactly the fields of the type), so a new field is accepted here at once.
 */
const RECIPE_KEYS: ReadonlySet<string> = new Set(Object.keys(CIFAR_RECIPE));

/** Built-in pipeline param: how many seed replicates of the whole chain to run. */
export const SEEDS_PARAM = "seeds";

/** Define a pipeline. */
export function pipeline(name: string, build: (b: Builders) => void): PipelineDefinition {
  return {
    name,
    declare(overrides = {}, file = name) {
      const params = new Map<string, ParamDecl>();
      const steps = new Map<string, StepSpec>();
      const err = (msg: string, step?: string, field?: string) =>
        new PipelineError(msg, { file, step, field, reason: "invalid-pipeline" });

      const param = <V extends number | string | boolean>(
        pname: string,
        def: V,
        doc?: string,
      ): V => {
        const prior = params.get(pname);
        if (prior && prior.default !== def) {
          // Two defaults for one name would make the value depend on declaration order.
          throw err(
            pname === SEEDS_PARAM
              ? `Param "seeds" is built in with default 1 (read it with param("seeds", 1)); ` +
                `change it with --set seeds=N or a params file`
              : `Param "${pname}" is declared twice with different defaults: ` +
                `${JSON.stringify(prior.default)}, then ${JSON.stringify(def)}`,
            undefined,
            pname,
          );
        }
        if (prior) return prior.value as V;
        let value: Json = def;
        if (Object.hasOwn(overrides, pname)) {
          value = coerceParam(pname, def, overrides[pname], file);
        }
        params.set(pname, { name: pname, default: def, value, doc });
        return value as V;
      };
      const seeds = param(SEEDS_PARAM, 1, "number of seed replicates of every step");
      if (!Number.isInteger(seeds) || seeds < 1) {
        throw err(`Param "seeds" must be a positive integer: got ${seeds}`, undefined, "seeds");
      }

      for (let replicate = 1; replicate <= seeds; replicate++) {
        const full = (base: string) => replicate === 1 ? base : `${base}#${replicate}`;
        const addStep = (spec: StepSpec) => {
          if (!/^[A-Za-z][\w.-]*$/.test(spec.baseName)) {
            throw err(
              `Step name ${
                JSON.stringify(spec.baseName)
              } must start with a letter and use only letters, digits, "_", "-" and "."`,
              spec.baseName,
              "name",
            );
          }
          if (steps.has(spec.name)) {
            throw err(`Step "${spec.name}" is declared twice`, spec.name, "name");
          }
          steps.set(spec.name, spec);
        };
        const b: Builders = {
          replicate,
          param,
          dataset: (descriptor) => ({ descriptor, domain: descriptor.domain }),
          train(base, options) {
            const stepName = full(base);
            const { data, model, loss, teacher, transfer, seed, ...rest } = options as
              & TrainOptions<
                Domain,
                boolean
              >
              & { teacher?: Trained<Domain> | Trained<Domain>[] };
            for (const key of Object.keys(rest)) {
              if (!RECIPE_KEYS.has(key)) {
                throw err(
                  `Unknown train option "${key}" in step "${base}": accepted are data, model, loss, teacher, transfer, seed, ${
                    [...RECIPE_KEYS].join(", ")
                  }`,
                  base,
                  key,
                );
              }
            }
            const teachers = teacher === undefined
              ? []
              : Array.isArray(teacher)
              ? teacher
              : [teacher];
            addStep({
              name: stepName,
              baseName: base,
              replicate,
              kind: "train",
              domain: data?.domain,
              seed: seed ?? deriveSeed(base, replicate),
              dataset: data?.descriptor,
              model,
              loss,
              params: rest as StepSpec["params"],
              inputs: {
                ...(teachers.length ? { teacher: teachers.map((t) => t?.step) } : {}),
                ...(transfer
                  ? {
                    transfer: {
                      from: transfer.from?.step,
                      layers: transfer.layers,
                      freeze: transfer.freeze ?? true,
                    },
                  }
                  : {}),
              },
            });
            return { step: stepName, domain: data?.domain, kind: "train" } as Trained<Domain>;
          },
          ensemble(base, options) {
            const stepName = full(base);
            addStep({
              name: stepName,
              baseName: base,
              replicate,
              kind: "ensemble",
              domain: options.data?.domain,
              seed: deriveSeed(base, replicate),
              dataset: options.data?.descriptor,
              params: {},
              inputs: { members: (options.members ?? []).map((m) => m?.step) },
            });
            return { step: stepName, domain: options.data?.domain, kind: "ensemble" };
          },
        } as Builders;
        build(b);
      }

      for (const key of Object.keys(overrides)) {
        if (!params.has(key)) {
          const known = [...params.keys()].sort().join(", ");
          const guess = closest(key, params.keys());
          throw err(
            `Unknown param "${key}" for pipeline "${name}": declared are ${known}` +
              (guess ? `; did you mean "${guess}"?` : ""),
            undefined,
            key,
          );
        }
      }
      return { pipeline: name, file, params: [...params.values()], steps: [...steps.values()] };
    },
  };
}

function coerceParam(name: string, def: Json, raw: Json, file: string): Json {
  const want = typeof def;
  const got = typeof raw;
  if (got === want) return raw;
  if (typeof raw === "string") {
    if (want === "number" && raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
    if (want === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  }
  throw new PipelineError(
    `Param "${name}" must be a ${want} (default ${JSON.stringify(def)}): got ${
      JSON.stringify(raw)
    }`,
    { file, field: name, reason: "bad-param" },
  );
}
