/**
 * Two or more configurations of a pipeline side by side (`report --compare`): a table with a row
 * per step and a column per configuration (its headline metric, mean ± sd over seeds), and for
 * each train step its learning curves overlaid, one line per configuration. Written as
 * `compare.md` and a self-contained `compare.html` in
 * `reports/<pipeline>/compare-<id>-<id>…/`.
 *
 * @module
 */
import { join } from "node:path";
import type { ReportData } from "./collect_report.ts";
import { escapeHtml as h } from "./escape_html.ts";
import { PALETTE } from "./learning_curves.ts";
import { markdownTable } from "./render_markdown.ts";
import { formatStats, type ResultsTable } from "./results_table.ts";
import { summarise } from "./stats.ts";
import { type ChartPoint, type ChartSeries, type ChartSpec, lineChart } from "./svg_chart.ts";
import { writeAtomic } from "./write_atomic.ts";

/** One configuration being compared. */
export interface ComparedConfig {
  id: string;
  /** The `--set` flags that select it (empty: the defaults). */
  flags: string[];
  data: ReportData;
  table: ResultsTable;
}

/** A configuration named for a column or a legend: its id and the params it sets. */
export function configLabel(c: ComparedConfig): string {
  return `${c.id} (${c.flags.map((f) => f.replace(/^--set /, "")).join(" ") || "defaults"})`;
}

/** Header and cells: a row per step of any configuration, a column per configuration. */
export function compareCells(configs: ComparedConfig[]): { header: string[]; rows: string[][] } {
  const steps = [...new Set(configs.flatMap((c) => c.table.rows.map((r) => r.name)))];
  const header = ["step", ...configs.map((c) => c.id)];
  const rows = steps.map((step) => [
    step,
    ...configs.map((c) => {
      const row = c.table.rows.find((r) => r.name === step);
      if (!row) return "—";
      if (!row.headline || row.seeds.done === 0) return "missing";
      const seeds = row.seeds.done === 1 ? "1 seed" : `${row.seeds.done} seeds`;
      return `${formatStats(row.metrics[row.headline])} (${seeds})`;
    }),
  ]);
  return { header, rows };
}

/** The per-epoch metric compared: test error where recorded, else test perplexity. */
function curveMetric(configs: ComparedConfig[]): { id: string; title: string; yLabel: string } {
  const has = (id: string) =>
    configs.some((c) =>
      c.data.steps.some((s) => s.history?.some((h) => typeof h[id] === "number"))
    );
  return has("testError")
    ? { id: "testError", title: "Test error (%)", yLabel: "error %" }
    : { id: "testPerplexity", title: "Test perplexity", yLabel: "perplexity" };
}

/** For each train step, its curves in every configuration overlaid (mean ± sd over seeds). */
export function compareCurves(configs: ComparedConfig[]): ChartSpec[] {
  const metric = curveMetric(configs);
  const steps = [
    ...new Set(
      configs.flatMap((c) => c.data.steps.filter((s) => s.kind === "train").map((s) => s.baseName)),
    ),
  ];
  const charts: ChartSpec[] = [];
  for (const step of steps) {
    const series: ChartSeries[] = [];
    configs.forEach((c, i) => {
      const byEpoch = new Map<number, number[]>();
      for (const s of c.data.steps) {
        if (s.baseName !== step || s.status !== "done") continue;
        for (const h of s.history ?? []) {
          const v = h[metric.id];
          if (typeof h.epoch !== "number" || typeof v !== "number" || !Number.isFinite(v)) continue;
          byEpoch.set(h.epoch, [...(byEpoch.get(h.epoch) ?? []), v]);
        }
      }
      const points: ChartPoint[] = [...byEpoch].sort((a, b) => a[0] - b[0]).map(([x, vs]) => {
        const st = summarise(vs)!;
        return { x, y: st.mean, sd: st.sd, n: st.n };
      });
      if (points.length) {
        series.push({ name: configLabel(c), color: PALETTE[i % PALETTE.length], points });
      }
    });
    if (series.length) {
      charts.push({
        id: `${metric.id}-${step}`,
        title: `${step}: ${metric.title}`,
        xLabel: "epoch",
        yLabel: metric.yLabel,
        series,
        min: 0,
      });
    }
  }
  return charts;
}

/** The comparison as Markdown. */
export function compareMarkdown(configs: ComparedConfig[]): string {
  const { header, rows } = compareCells(configs);
  const pipeline = configs[0].data.pipeline;
  return [
    `# ${pipeline}: ${configs.length} configurations compared`,
    "",
    ...configs.map((c) => `- \`${c.id}\`: ${c.flags.join(" ") || "the defaults"}`),
    "",
    markdownTable(header, rows, header.map((_, i) => i).filter((i) => i > 0)),
    "",
    "Last-epoch test error % (or perplexity), mean ± sample sd over seeds.",
    "",
  ].join("\n");
}

/** The comparison as one self-contained HTML page with the overlaid learning curves. */
export function compareHtml(configs: ComparedConfig[]): string {
  const { header, rows } = compareCells(configs);
  const pipeline = configs[0].data.pipeline;
  const th = header.map((c, i) => `<th${i ? ' class="num"' : ""}>${h(c)}</th>`).join("");
  const trs = rows.map((r) =>
    `<tr>${r.map((c, i) => `<td${i ? ' class="num"' : ""}>${h(c)}</td>`).join("")}</tr>`
  ).join("\n");
  const charts = compareCurves(configs).map((c) => `<figure>${lineChart(c)}</figure>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(pipeline)}: configurations compared</title>
<style>
body { margin: 0; background: #f6f7f9; color: #1d1f23; font: 14px/1.45 system-ui, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
section { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 4px 18px 14px;
  margin-top: 18px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid #eceef1; text-align: left; white-space: nowrap; }
td.num, th.num { text-align: right; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 14px; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
</style></head>
<body><main>
<h1>${h(pipeline)}: ${configs.length} configurations compared</h1>
<ul>${
    configs.map((c) =>
      `<li><code>${h(c.id)}</code>: <code>${h(c.flags.join(" ") || "the defaults")}</code></li>`
    )
      .join("")
  }</ul>
<section><h2>Results</h2>
<table><thead><tr>${th}</tr></thead><tbody>
${trs}
</tbody></table>
<p>Last-epoch test error % (or perplexity), mean ± sample sd over seeds.</p></section>
<section><h2>Learning curves</h2>
<div class="charts">
${charts}
</div>
<p>One line per configuration: the mean over seeds; the band is ± one sample sd.</p></section>
</main></body></html>
`;
}

/** Write `compare.md` and `compare.html` into `<pipelineDir>/compare-<ids>/`; returns the paths. */
export async function writeConfigCompare(
  pipelineDir: string,
  configs: ComparedConfig[],
): Promise<{ dir: string; markdown: string; html: string }> {
  const dir = join(pipelineDir, `compare-${configs.map((c) => c.id).join("-")}`);
  await Deno.mkdir(dir, { recursive: true });
  const markdown = join(dir, "compare.md"), html = join(dir, "compare.html");
  for (const [path, text] of [[markdown, compareMarkdown(configs)], [html, compareHtml(configs)]]) {
    await writeAtomic(path, text);
  }
  return { dir, markdown, html };
}
