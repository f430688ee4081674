/**
 * Collect a plan's results from the cache and write its configuration's report:
 * `reports/<pipeline>/<id>/` with `report.md`, `report.html`, `params.json` and `metrics.csv`,
 * where `<id>` is a short hash of the resolved params, so reports of different configurations
 * never overwrite each other. The configuration is remembered in the cache and the pipeline's
 * index page (`reports/<pipeline>/index.*`) rewritten.
 *
 * @module
 */
import { join } from "node:path";
import { PipelineError } from "../errors.ts";
import { reportDirIn } from "../store/layout.ts";
import { isReadOnlyError } from "../store/read_only.ts";
import type { Plan } from "../plan/plan.ts";
import type { Store } from "../store/store.ts";
import { collectReport, type ReportData } from "./collect_report.ts";
import {
  configId,
  type ConfigRecord,
  type HeadlineMetric,
  listConfigs,
  paramValues,
  recordConfig,
} from "./configuration.ts";
import { writeIndex } from "./index_page.ts";
import { metricsCsv } from "./metrics_csv.ts";
import { renderHtml } from "./render_html.ts";
import { renderMarkdown } from "./render_markdown.ts";
import { type ResultsTable, resultsTable } from "./results_table.ts";
import { writeAtomic } from "./write_atomic.ts";

/** Options of {@linkcode writeReport}. */
export interface WriteReportOptions {
  /** Folder holding `reports/` (default: the cache). */
  root?: string;
  /** Data already collected (default: collected now). */
  data?: ReportData;
}

/** What was written, and the data behind it. */
export interface WrittenReport {
  /** The configuration's id (a short hash of its params). */
  id: string;
  dir: string;
  markdown: string;
  html: string;
  params: string;
  csv: string;
  index: { markdown: string; html: string };
  data: ReportData;
  table: ResultsTable;
}

/** The folder of a pipeline's reports: `<root or cache>/reports/<pipeline>`. */
export function pipelineReportDir(store: Store, pipeline: string, root?: string): string {
  return root === undefined
    ? store.layout.report(pipeline)
    : reportDirIn(join(root, "reports"), pipeline);
}

/** Headline metrics of a table's rows, for the index page. */
function headlines(table: ResultsTable): HeadlineMetric[] {
  return table.rows.flatMap((r) => {
    const s = r.headline ? r.metrics[r.headline] : undefined;
    return s && r.headline
      ? [{ step: r.name, metric: r.headline, mean: s.mean, sd: s.sd, n: s.n }]
      : [];
  });
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
  const data = options.data ?? await collectReport(plan, store);
  const table = resultsTable(data);
  const id = configId(data.params);
  const top = pipelineReportDir(store, data.pipeline, options.root);
  const dir = join(top, id);
  const markdown = join(dir, "report.md"), html = join(dir, "report.html");
  const params = join(dir, "params.json"), csv = join(dir, "metrics.csv");
  const done = data.steps.filter((s) => s.status === "done").length;
  const record: ConfigRecord = {
    id,
    pipeline: data.pipeline,
    file: data.file,
    ...paramValues(plan.graph.params),
    reportedAt: data.generatedAt,
    steps: { done, total: data.steps.length },
    headline: headlines(table),
    reportDir: dir,
  };
  try {
    await Deno.mkdir(dir, { recursive: true });
    await writeAtomic(markdown, renderMarkdown(data, table));
    await writeAtomic(html, renderHtml(data, table));
    await writeAtomic(params, JSON.stringify(data.params, null, 2) + "\n");
    await writeAtomic(csv, metricsCsv(data));
    if (done > 0) await recordConfig(store, record);
    // The index lists what the cache remembers, and this configuration even where it cannot.
    const known = (await listConfigs(store, data.pipeline)).filter((r) => r.id !== id);
    const index = await writeIndex(top, data.pipeline, done > 0 ? [record, ...known] : known);
    return { id, dir, markdown, html, params, csv, index, data, table };
  } catch (e) {
    if (!isReadOnlyError(e)) throw e;
    throw new PipelineError(
      `cannot write the report in ${dir}: it is read-only${
        options.root ? "" : " (inside the cache); write it elsewhere with --report-dir DIR"
      }`,
      { reason: "cache", cause: e },
    );
  }
}
