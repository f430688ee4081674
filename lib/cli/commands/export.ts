/**
 * `export <pipeline> <step>`: plan the pipeline (no training) and write the step's cached model
 * for use outside born-again (`lib/export/`). Prints where it wrote what, or `--json`.
 *
 * @module
 */
import { join, relative, resolve } from "node:path";
import { PipelineError } from "../../errors.ts";
import { EXPORT_FORMATS, type ExportFormat } from "../../export/formats.ts";
import { exportStep } from "../../export/export_step.ts";
import { makePlan } from "../../plan/plan.ts";
import { LocalStore } from "../../store/local_store.ts";
import type { CliOptions } from "../options.ts";
import { defaultCacheDir } from "../options.ts";
import { planFromOptions } from "./shared.ts";

/** Export the step; returns the exit code. */
export async function exportCommand(o: CliOptions): Promise<number> {
  const [file, step] = o.positionals;
  if (!EXPORT_FORMATS.includes(o.format as ExportFormat)) {
    throw new PipelineError(
      `--format must be one of ${EXPORT_FORMATS.join(", ")}: got ${o.format}`,
      { field: "format", reason: "bad-param" },
    );
  }
  if (!file || !step) {
    throw new PipelineError(
      `Name a pipeline file and a step, e.g. deno task export pipelines/smoke.ts gen1`,
      { field: "step", reason: "invalid-pipeline" },
    );
  }
  const graph = await planFromOptions(o);
  const store = new LocalStore(o.cacheDir);
  const data = { dataDir: o.dataDir, verify: o.verify };
  const plan = await makePlan(graph, store, { data });
  const outDir = o.out ?? join("out", "export", safe(graph.pipeline), safe(step));
  const r = await exportStep(plan, store, step, {
    format: o.format as ExportFormat,
    outDir,
    data,
    runCommand: runCommandFor(file, o),
  });
  if (o.json) {
    console.log(JSON.stringify(r));
    return 0;
  }
  const rel = relative(Deno.cwd(), r.dir);
  const shown = !rel ? "." : rel.startsWith("..") ? resolve(r.dir) : rel;
  console.log(
    [
      `exported ${r.kind === "ensemble" ? "ensemble" : "step"} "${r.step}" (${
        r.key.slice(0, 12)
      }) of ${file} as ${r.format} to ${shown}/`,
      ...r.files.map((f) => `  ${f}`),
    ].join("\n"),
  );
  return 0;
}

const safe = (name: string) => name.replace(/[^\w.#=,-]/g, "_");

/** The `run` command line that trains what `export` with these options reads. */
function runCommandFor(file: string, o: CliOptions): string {
  const quote = (s: string) => /^[\w./:=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
  const words = ["deno", "task", "run", file];
  if (o.params) words.push("--params", o.params);
  for (const s of o.set) words.push("--set", s);
  if (o.cacheDir !== defaultCacheDir()) words.push("--cache-dir", o.cacheDir);
  return words.map(quote).join(" ");
}
