/**
 * Load a pipeline file and declare its graph with param overrides from `--params FILE` (YAML or
 * JSON) and `--set name=value` (the latter wins).
 *
 * @module
 */
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { PipelineError } from "../errors.ts";
import type { Graph } from "../graph/graph.ts";
import { validateGraph, type ValidGraph } from "../graph/validate.ts";
import type { PipelineDefinition } from "../dsl/pipeline.ts";
import type { Json } from "../plugin/descriptor.ts";
import { toFileUrl } from "../util/path.ts";
import { splitListValue } from "../sweep/list_value.ts";

/** Read a params file: a YAML or JSON mapping of pipeline params. */
export async function readParamsFile(path: string): Promise<Record<string, Json>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    throw new PipelineError(`Params file not found: ${path}`, {
      file: path,
      reason: "missing-file",
    });
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new PipelineError(
      `Params file is not valid ${/\.json$/i.test(path) ? "JSON" : "YAML"}: ${
        e instanceof Error ? e.message.split("\n")[0] : e
      }`,
      {
        file: path,
        reason: "bad-param",
      },
    );
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new PipelineError(`Params file must hold a mapping of param names to values`, {
      file: path,
      reason: "bad-param",
    });
  }
  const scalar = (v: unknown) => ["number", "string", "boolean"].includes(typeof v);
  for (const [k, v] of Object.entries(data)) {
    // A list is the values a sweep tries.
    if (!scalar(v) && !(Array.isArray(v) && v.every(scalar))) {
      throw new PipelineError(
        `Param "${k}" must be a number, string or boolean, or a list of them: got ${
          JSON.stringify(v)
        }`,
        {
          file: path,
          field: k,
          reason: "bad-param",
        },
      );
    }
  }
  return data as Record<string, Json>;
}

/**
 * Parse `--set a=1 --set b=x` into overrides (values stay strings; the DSL coerces them).
 * `--set a=1,2` is a list, the values a sweep tries; see `splitListValue` for quoting.
 */
export function parseSets(sets: string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) {
      throw new PipelineError(`--set expects name=value: got ${JSON.stringify(s)}`, {
        field: "set",
        reason: "bad-param",
      });
    }
    let items: string[];
    try {
      items = splitListValue(s.slice(eq + 1));
    } catch (e) {
      throw new PipelineError(`--set ${s}: ${(e as Error).message}`, {
        field: s.slice(0, eq),
        reason: "bad-param",
      });
    }
    out[s.slice(0, eq)] = items.length === 1 ? items[0] : items;
  }
  return out;
}

/** Import `file`, declare its pipeline with `overrides`, and validate the graph. */
export async function loadPipeline(
  file: string,
  overrides: Record<string, Json>,
): Promise<ValidGraph> {
  const path = resolve(file);
  try {
    await Deno.stat(path);
  } catch {
    throw new PipelineError(`Pipeline file not found: ${file}`, { file, reason: "missing-file" });
  }
  let mod: { default?: PipelineDefinition };
  try {
    mod = await import(toFileUrl(path).href);
  } catch (e) {
    throw new PipelineError(`Cannot load pipeline: ${e instanceof Error ? e.message : e}`, {
      file,
      reason: "invalid-pipeline",
      cause: e,
    });
  }
  const def = mod.default;
  if (!def || typeof def.declare !== "function") {
    throw new PipelineError(`The pipeline file must \`export default pipeline(...)\``, {
      file,
      reason: "invalid-pipeline",
    });
  }
  let graph: Graph;
  try {
    graph = def.declare(overrides, file);
  } catch (e) {
    if (e instanceof PipelineError) throw e;
    throw new PipelineError(e instanceof Error ? e.message : String(e), {
      file,
      reason: "invalid-pipeline",
      cause: e,
    });
  }
  return validateGraph(graph);
}
