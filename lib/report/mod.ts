/**
 * The results report: a paper-style table (steps over seeds, mean ± sd, Δ vs teacher), learning
 * curves as inline SVG and provenance, written as Markdown and self-contained HTML.
 *
 * @example
 * ```ts
 * const { html } = await writeReport(plan, store);
 * ```
 * @module
 */
export { collectReport, describePlugin } from "./collect_report.ts";
export type { ReportData, ReportStep } from "./collect_report.ts";
export { formatStats, METRICS, resultCells, resultsTable, teacherOf } from "./results_table.ts";
export type { MetricId, ResultRow, ResultsTable } from "./results_table.ts";
export { CURVES, learningCurves, PALETTE, stepColors } from "./learning_curves.ts";
export { lineChart } from "./svg_chart.ts";
export type { ChartPoint, ChartReference, ChartSeries, ChartSpec } from "./svg_chart.ts";
export { niceTicks } from "./nice_ticks.ts";
export { summarise } from "./stats.ts";
export type { Stats } from "./stats.ts";
export { markdownTable, renderMarkdown, resultsMarkdown } from "./render_markdown.ts";
export { renderHtml } from "./render_html.ts";
export { provenanceCells } from "./provenance_table.ts";
export { pipelineReportDir, writeReport } from "./write_report.ts";
export { configId, listConfigs, setFlags } from "./configuration.ts";
export type { ConfigRecord } from "./configuration.ts";
export { indexHtml, indexMarkdown } from "./index_page.ts";
export { metricsCsv } from "./metrics_csv.ts";
export type { WriteReportOptions, WrittenReport } from "./write_report.ts";
