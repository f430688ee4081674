/**
 * `report <pipeline>`: plan the pipeline (no training), read the cached steps' results and write
 * the configuration's `report.md`, self-contained `report.html`, `params.json` and `metrics.csv`
 * (in `reports/<pipeline>/<id>/`, `<id>` a short hash of the params) and the pipeline's index
 * page; print the results table (or `--json`). With no entry of the configuration in the cache it
 * writes nothing, lists the configurations that are there and exits 1. Also called at the end of
 * `run`.
 *
 * @module
 */
import { makePlan, type Plan } from "../../plan/plan.ts";
import { LocalStore } from "../../store/local_store.ts";
import { missingLines } from "../../report/render_markdown.ts";
import { resultsText } from "../../report/text_table.ts";
import { writeReport } from "../../report/write_report.ts";
import { collectReport } from "../../report/collect_report.ts";
import { listConfigs } from "../../report/configuration.ts";
import { noEntriesMessage } from "../../report/no_entries.ts";
import type { CliOptions } from "../options.ts";
import { planFromOptions } from "./shared.ts";
import { sweepOf } from "../../sweep/sweep.ts";
import { writeCompare } from "../../sweep/write_compare.ts";
import { compareLegend, compareMarkdown } from "../../sweep/render_compare.ts";

/**
 * Write the report; returns the exit code: 0 when some step is in the cache (missing ones are
 * listed), 1 when none is (nothing is written then).
 */
export async function reportCommand(o: CliOptions): Promise<number> {
  if (o.compare.length) return (await import("./report_compare.ts")).reportCompare(o);
  const graph = await planFromOptions(o);
  const store = new LocalStore(o.cacheDir);
  const plan = await makePlan(graph, store, { data: { dataDir: o.dataDir, verify: o.verify } });
  const collected = await collectReport(plan, store);
  if (collected.steps.every((s) => s.status === "missing")) {
    const records = await listConfigs(store, collected.pipeline);
    console.error(await noEntriesMessage(collected, o.cacheDir, records));
    return 1;
  }
  const written = await writeReport(plan, store, { root: o.out, data: collected });
  const { data, table, markdown, html, dir } = written;
  const sweep = sweepOf(graph);
  const compare = sweep ? await writeCompare(dir, sweep, data) : undefined;
  if (o.json) {
    console.log(JSON.stringify({
      pipeline: data.pipeline,
      file: data.file,
      params: data.params,
      generatedAt: data.generatedAt,
      configuration: written.id,
      files: {
        markdown,
        html,
        params: written.params,
        csv: written.csv,
        index: written.index.html,
      },
      teacher: table.teacher ?? null,
      rows: table.rows,
      steps: data.steps,
      ...(compare ? { compare: compare.table } : {}),
    }));
    return 0;
  }
  const missing = missingLines(data);
  console.log(
    [
      `${data.pipeline} (${data.file})`,
      "",
      resultsText(table),
      ...(missing.length
        ? ["", `missing (${missing.length}):`, ...missing.map((m) => `  ${m}`)]
        : []),
      "",
      `report: ${html}`,
      `        ${markdown}`,
      `        ${written.csv}`,
      `index:  ${written.index.html}`,
      ...(compare
        ? [
          "",
          compareMarkdown(compare.table),
          "",
          compareLegend(compare.table),
          `compare: ${compare.html}`,
          `         ${compare.markdown}`,
          `         ${compare.csv}`,
        ]
        : []),
    ].join("\n"),
  );
  return 0;
}

/**
 * Write the report at the end of `run`; never throws, since a report problem must not turn a
 * finished run into a failed one. Returns the line to print.
 */
export async function reportAfterRun(
  plan: Plan,
  store: LocalStore,
  o: CliOptions,
): Promise<{ line: string; table?: string }> {
  try {
    const { html, table, dir, data, index } = await writeReport(plan, store, { root: o.out });
    const lines = `report: ${html}\nindex:  ${index.html}`;
    const sweep = sweepOf(plan.graph);
    if (sweep) {
      // A sweep ends with one table comparing its configurations, written beside the report.
      const c = await writeCompare(dir, sweep, data);
      return {
        line: `${lines}\ncompare: ${c.html}\n         ${c.markdown}\n         ${c.csv}`,
        table: `${compareMarkdown(c.table)}\n\n${compareLegend(c.table)}`,
      };
    }
    return { line: lines, table: resultsText(table) };
  } catch (e) {
    return { line: `warning: could not write the report: ${e instanceof Error ? e.message : e}` };
  }
}
