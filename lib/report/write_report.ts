/** Collect a plan's results from the cache and write `report.md` and `report.html`. @module */
import { join } from "node:path";
import { PipelineError } from "../errors.ts";
import { isReadOnlyError } from "../store/read_only.ts";
import type { Plan } from "../plan/plan.ts";
import type { Store } from "../store/store.ts";
import { collectReport, type ReportData } from "./collect_report.ts";
import { renderHtml } from "./render_html.ts";
import { renderMarkdown } from "./render_markdown.ts";
import { type ResultsTable, resultsTable } from "./results_table.ts";

/** Options of {@linkcode writeReport}. */
export interface WriteReportOptions {
  /** Folder to write into (default `<cache>/reports/<pipeline>`). */
  outDir?: string;
}

/** What was written, and the data behind it. */
export interface WrittenReport {
  dir: string;
  markdown: string;
  html: string;
  data: ReportData;
  table: ResultsTable;
}

/** The default report folder of a pipeline: `<cache>/reports/<pipeline>`. */
export function defaultReportDir(store: Store, pipeline: string): string {
  return store.layout.report(pipeline);
}

/**
 * Write the report of `plan` from what `store` holds now. Files are written beside their final
 * name and renamed, so a reader never sees half a report.
 */
export async function writeReport(
  plan: Plan,
  store: Store,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  const data = await collectReport(plan, store);
  const table = resultsTable(data);
  const dir = options.outDir ?? defaultReportDir(store, data.pipeline);
  const markdown = join(dir, "report.md"), html = join(dir, "report.html");
  try {
    await Deno.mkdir(dir, { recursive: true });
    for (
      const [path, text] of [
        [markdown, renderMarkdown(data, table)],
        [html, renderHtml(data, table)],
      ]
    ) {
      const tmp = `${path}.${Deno.pid}.tmp`;
      await Deno.writeTextFile(tmp, text);
      await Deno.rename(tmp, path);
    }
  } catch (e) {
    if (!isReadOnlyError(e)) throw e;
    throw new PipelineError(
      `cannot write the report in ${dir}: it is read-only${
        options.outDir ? "" : " (inside the cache); write it elsewhere with --report-dir DIR"
      }`,
      { reason: "cache", cause: e },
    );
  }
  return { dir, markdown, html, data, table };
}
