/**
 * Helpers that turn a plugin implementation into a descriptor factory. A plugin file is one
 * module: `export const resnet = defineModel(import.meta.url, "resnet", {...})`. Calling
 * `resnet({ depth: 56 })` returns plain data; the worker imports the same module and finds the
 * implementation on the factory's `plugin` property.
 *
 * @module
 */
import type {
  DatasetDescriptor,
  Domain,
  JsonObject,
  LossDescriptor,
  ModelDescriptor,
  PluginKind,
} from "./descriptor.ts";
import type { DatasetPlugin, LossPlugin, ModelPlugin } from "./runtime.ts";
import { moduleId } from "./module_id.ts";

/** Thrown when a plugin's params are invalid; the message names plugin and field. */
export class PluginParamError extends Error {
  override name = "PluginParamError";
}

/** Shared options for every plugin definition. */
export interface PluginSpec<P extends JsonObject> {
  /** Default params; every accepted key must appear here. */
  defaults: P;
  /** Return problems with fully resolved params, e.g. `depth must be 6n+2: got 21`. */
  validate?: (params: P) => string[];
}

/** A factory plus the implementation the worker uses. */
export type Factory<P extends JsonObject, D, R> = ((options?: Partial<P>) => D) & {
  plugin: R;
  kind: PluginKind;
  pluginName: string;
  defaults: P;
};

function resolveParams<P extends JsonObject>(
  kind: PluginKind,
  name: string,
  spec: PluginSpec<P>,
  options: Partial<P> | undefined,
): P {
  const params = { ...spec.defaults } as P;
  for (const [key, value] of Object.entries(options ?? {})) {
    if (!(key in spec.defaults)) {
      const known = Object.keys(spec.defaults).sort().join(", ");
      throw new PluginParamError(
        `Unknown param "${key}" for ${kind} plugin "${name}": accepted are ${known || "none"}`,
      );
    }
    if (value === undefined) continue;
    const want = spec.defaults[key];
    if (want !== null && typeof want !== typeof value) {
      throw new PluginParamError(
        `Param "${key}" of ${kind} plugin "${name}" must be a ${typeof want}: got ${
          JSON.stringify(value)
        }`,
      );
    }
    (params as JsonObject)[key] = value as JsonObject[string];
  }
  const problems = spec.validate?.(params) ?? [];
  if (problems.length) {
    throw new PluginParamError(
      `Invalid params for ${kind} plugin "${name}": ${problems.join("; ")}`,
    );
  }
  return params;
}

function attach<F extends (...a: never[]) => unknown, R, P extends JsonObject>(
  f: F,
  kind: PluginKind,
  name: string,
  plugin: R,
  defaults: P,
) {
  return Object.assign(f, { plugin, kind, pluginName: name, defaults });
}

/** Define a model plugin. `exportName` defaults to `name` and must match the module's export. */
export function defineModel<P extends JsonObject, D extends Domain>(
  moduleUrl: string,
  name: string,
  spec: PluginSpec<P> & ModelPlugin<P> & { domain: D; exportName?: string },
): Factory<P, ModelDescriptor<D>, ModelPlugin<P>> {
  const module = moduleId(moduleUrl);
  const f = (options?: Partial<P>): ModelDescriptor<D> => ({
    kind: "model",
    name,
    module,
    export: spec.exportName ?? name,
    params: resolveParams("model", name, spec, options),
    domain: spec.domain,
  });
  return attach(f, "model", name, spec, spec.defaults);
}

/** Define a loss plugin. `needsTeacher` is a literal so the DSL can demand a teacher. */
export function defineLoss<P extends JsonObject, T extends boolean>(
  moduleUrl: string,
  name: string,
  spec: PluginSpec<P> & LossPlugin<P> & {
    needsTeacher: T;
    needsActivations?: boolean;
    exportName?: string;
  },
): Factory<P, LossDescriptor<T>, LossPlugin<P>> {
  const module = moduleId(moduleUrl);
  const f = (options?: Partial<P>): LossDescriptor<T> => ({
    kind: "loss",
    name,
    module,
    export: spec.exportName ?? name,
    params: resolveParams("loss", name, spec, options),
    needsTeacher: spec.needsTeacher,
    needsActivations: spec.needsActivations ?? false,
  });
  return attach(f, "loss", name, spec, spec.defaults);
}

/** Define a dataset plugin. */
export function defineDataset<P extends JsonObject, D extends Domain>(
  moduleUrl: string,
  name: string,
  spec: PluginSpec<P> & DatasetPlugin<P> & { domain: D; exportName?: string },
): Factory<P, DatasetDescriptor<D>, DatasetPlugin<P>> {
  const module = moduleId(moduleUrl);
  const f = (options?: Partial<P>): DatasetDescriptor<D> => ({
    kind: "dataset",
    name,
    module,
    export: spec.exportName ?? name,
    params: resolveParams("dataset", name, spec, options),
    domain: spec.domain,
  });
  return attach(f, "dataset", name, spec, spec.defaults);
}
