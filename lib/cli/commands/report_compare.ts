/**
 * `report <pipeline> --compare A --compare B …`: two or more configurations of the pipeline side
 * by side. Each is a configuration id from the index (or a unique prefix of one) or a params file;
 * each is planned (no training) and read from the cache, then written as `compare.md` and
 * `compare.html` with the learning curves overlaid, and the table printed.
 *
 * @module
 */
import { PipelineError } from "../../errors.ts";
import { table } from "../../progress/format.ts";
import { makePlan } from "../../plan/plan.ts";
import type { Json } from "../../plugin/descriptor.ts";
import { collectReport } from "../../report/collect_report.ts";
import {
  compareCells,
  type ComparedConfig,
  configLabel,
  writeConfigCompare,
} from "../../report/compare_configs.ts";
import { configId, listConfigs, paramValues, setFlags } from "../../report/configuration.ts";
import { resultsTable } from "../../report/results_table.ts";
import { pipelineReportDir } from "../../report/write_report.ts";
import { LocalStore } from "../../store/local_store.ts";
import { loadPipeline, readParamsFile } from "../load_pipeline.ts";
import type { CliOptions } from "../options.ts";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Compare the configurations `o.compare` names; returns the exit code. */
export async function reportCompare(o: CliOptions): Promise<number> {
  const file = o.positionals[0];
  if (!file) {
    throw new PipelineError("Name a pipeline file, e.g. pipelines/smoke.ts", {
      reason: "invalid-pipeline",
    });
  }
  if (o.compare.length < 2) {
    throw new PipelineError(
      `--compare needs two or more configurations (ids from the index, or params files): got ${o.compare.length}`,
      { field: "compare", reason: "bad-param" },
    );
  }
  const store = new LocalStore(o.cacheDir);
  const pipeline = (await loadPipeline(file, {})).pipeline;
  const records = await listConfigs(store, pipeline);
  const configs: ComparedConfig[] = [];
  for (const selector of o.compare) {
    let params: Record<string, Json>;
    if (await isFile(selector)) {
      params = await readParamsFile(selector);
    } else {
      const found = records.filter((r) => r.id.startsWith(selector));
      if (found.length !== 1) {
        const known = records.map((r) => `  ${r.id}  ${setFlags(r.params, r.defaults).join(" ")}`);
        throw new PipelineError(
          `--compare ${selector}: ${
            found.length ? "more than one configuration starts so" : "no such configuration or file"
          }; the configurations of ${pipeline} in ${o.cacheDir}:\n${
            known.join("\n") || "  (none)"
          }`,
          { field: "compare", reason: "bad-param" },
        );
      }
      params = found[0].params;
    }
    if (Object.values(params).some(Array.isArray)) {
      throw new PipelineError(
        `--compare ${selector}: a sweep (list values); its own report compares its configurations`,
        { field: "compare", reason: "bad-param" },
      );
    }
    const graph = await loadPipeline(file, params);
    const plan = await makePlan(graph, store, { data: { dataDir: o.dataDir, verify: o.verify } });
    const data = await collectReport(plan, store);
    const values = paramValues(graph.params);
    configs.push({
      id: configId(data.params),
      flags: setFlags(values.params, values.defaults),
      data,
      table: resultsTable(data),
    });
  }
  const written = await writeConfigCompare(pipelineReportDir(store, pipeline, o.out), configs);
  const { header, rows } = compareCells(configs);
  if (o.json) {
    console.log(JSON.stringify({
      pipeline,
      configurations: configs.map((c) => ({ id: c.id, flags: c.flags, params: c.data.params })),
      header,
      rows,
      files: { markdown: written.markdown, html: written.html },
    }));
    return 0;
  }
  console.log(
    [
      `${pipeline} (${file}): ${configs.length} configurations`,
      ...configs.map((c) => `  ${configLabel(c)}`),
      "",
      table(header, rows, header.map((_, i) => i).filter((i) => i > 0)),
      "",
      "Last-epoch test error % (or perplexity), mean ± sample sd over seeds.",
      `compare: ${written.html}`,
      `         ${written.markdown}`,
    ].join("\n"),
  );
  return 0;
}
