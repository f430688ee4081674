/**
 * Load a pipeline file and declare its graph with param overrides from `--params FILE` (YAML or
 * JSON) and `--set name=value` (the latter wins). The pipeline file runs in a sandbox with
 * permission only to read the project and its own folder: it can declare, nothing more.
 *
 * @module
 */
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { PipelineError } from "../errors.ts";
import { validateGraph, type ValidGraph } from "../graph/validate.ts";
import type { Json } from "../plugin/descriptor.ts";
import { splitListValue } from "../sweep/list_value.ts";
import { declareInSandbox } from "./sandbox/declare.ts";

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

/**
 * Declare the pipeline in `file` with `overrides` and validate the graph. The file is imported
 * in a sandbox where it can only declare (see `sandbox/declare.ts`), never in this process.
 */
export async function loadPipeline(
  file: string,
  overrides: Record<string, Json>,
): Promise<ValidGraph> {
  let path: string;
  try {
    path = await Deno.realPath(resolve(file));
    if (!(await Deno.stat(path)).isFile) throw new Error("not a file");
  } catch {
    throw new PipelineError(`Pipeline file not found: ${file}`, { file, reason: "missing-file" });
  }
  return validateGraph(await declareInSandbox(path, file, overrides));
}
