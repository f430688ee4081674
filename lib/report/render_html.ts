/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG, no script and a
 * Content-Security-Policy that forbids any external request, so it opens the same offline.
 *
 * @module
 */
import { formatSeconds } from "../progress/format.ts";
import type { ReportData } from "./collect_report.ts";
import { escapeHtml as h } from "./escape_html.ts";
import { learningCurves, stepColors } from "./learning_curves.ts";
import { provenanceCells, runCommands, totalSeconds } from "./provenance_table.ts";
import { datasetsOf, missingLines, tableLegend } from "./render_markdown.ts";
import { modelLegend, resultCells, type ResultsTable } from "./results_table.ts";
import { lineChart } from "./svg_chart.ts";

const CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1d1f23;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h1 span { color: #6b7280; font-weight: 400; }
h2 { font-size: 17px; margin: 28px 0 10px; }
.meta { color: #555; margin: 0 0 10px; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; }
.params { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.params li { background: #e8ecf2; border-radius: 4px; padding: 1px 8px; font-size: 12.5px; }
section { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 4px 18px 14px;
  margin-top: 18px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid #eceef1; text-align: left; white-space: nowrap; }
th { font-weight: 600; color: #444; border-bottom: 2px solid #d5d9de; }
td.num, th.num { text-align: right; }
td.wrap { white-space: normal; min-width: 8em; }
tr.teacher td { background: #f3f6fb; font-weight: 600; }
td.missing { color: #a0a4aa; font-style: italic; }
td.better { color: #1a7f37; }
td.worse { color: #b42318; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.note { color: #555; font-size: 12.5px; margin: 8px 0 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 14px; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
table.provenance td { font-size: 12.5px; }
ul.missing { margin: 6px 0 0; padding-left: 20px; }
`;

function htmlTable(
  cls: string,
  header: string[],
  rows: string[][],
  numeric: (col: number) => boolean,
  rowClass: (row: number) => string = () => "",
  cellClass: (row: number, col: number) => string = () => "",
  lead: (row: number) => string = () => "",
): string {
  const th = header.map((c, i) => `<th${numeric(i) ? ' class="num"' : ""}>${h(c)}</th>`).join("");
  const body = rows.map((r, ri) => {
    const tds = r.map((c, ci) => {
      const classes = [numeric(ci) ? "num" : "", cellClass(ri, ci)].filter(Boolean).join(" ");
      return `<td${classes ? ` class="${classes}"` : ""}>${ci === 0 ? lead(ri) : ""}${h(c)}</td>`;
    }).join("");
    const rc = rowClass(ri);
    return `<tr${rc ? ` class="${rc}"` : ""}>${tds}</tr>`;
  }).join("\n");
  return `<div class="scroll"><table class="${cls}"><thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/** The whole report as an HTML document. */
export function renderHtml(data: ReportData, table: ResultsTable): string {
  const colors = stepColors(data);
  const cells = resultCells(table);
  const deltaCol = cells.header.indexOf("Δ vs teacher");
  const results = htmlTable(
    "results",
    cells.header,
    cells.rows,
    (i) => i >= 4,
    (ri) => (table.rows[ri].name === table.teacher ? "teacher" : ""),
    (ri, ci) => {
      const row = table.rows[ri];
      if (ci >= 5 && ci < deltaCol && row.seeds.done === 0) return "missing";
      // Loss descriptors and input lists may wrap, so the numbers stay on screen.
      if (ci === 2 || ci === 3) return "wrap";
      // Colour only a difference larger than its own seed-to-seed spread.
      const d = row.delta;
      if (ci === deltaCol && d?.sd !== undefined && Math.abs(d.mean) > d.sd) {
        return d.mean < 0 ? "better" : "worse";
      }
      return "";
    },
    (ri) =>
      `<span class="swatch" style="background:${
        h(colors.get(table.rows[ri].name) ?? "#999")
      }"></span>`,
  );
  const charts = learningCurves(data).map((c) =>
    `<figure id="curve-${h(c.id)}">${lineChart(c)}</figure>`
  );
  const prov = provenanceCells(data);
  const provenance = htmlTable("provenance", prov.header, prov.rows, (i) => i === 4 || i === 7);
  const missing = missingLines(data);
  const params = Object.entries(data.params).map(([k, v]) =>
    `<li><code>${h(k)}=${h(JSON.stringify(v))}</code></li>`
  );
  const title = `${data.pipeline}: results`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${h(data.pipeline)} <span>results</span></h1>
<p class="meta">Pipeline <code>${h(data.file)}</code> · generated ${h(data.generatedAt)} · ${
    data.steps.length - missing.length
  } of ${data.steps.length} steps in the cache</p>
<p class="meta">Data: ${datasetsOf(data).map((d) => `<code>${h(d)}</code>`).join(", ")}</p>
<ul class="params">${params.join("")}</ul>
</header>
<section id="results">
<h2>Results</h2>
${results}
<p class="note">${
    h(tableLegend(table))
  } Green or red: a difference larger than its sd over seeds.</p>
${modelLegend(table).map((m) => `<p class="note model">${h(m)}</p>`).join("\n")}
${
    missing.length
      ? `<h2 id="missing">Missing (${missing.length})</h2>\n<ul class="missing">${
        missing.map((m) => `<li>${h(m)}</li>`).join("")
      }</ul>`
      : ""
  }
</section>
<section id="curves">
<h2>Learning curves</h2>
${
    charts.length
      ? `<div class="charts">\n${
        charts.join("\n")
      }\n</div>\n<p class="note">Mean over seeds; the band is ± one sample sd. Dashed lines: final value of steps without epochs (ensembles).</p>`
      : `<p class="note">No step in the cache has per-epoch history yet.</p>`
  }
</section>
<section id="provenance">
<h2>Provenance</h2>
${provenance}
<p class="note">Total wall time of the cached steps: ${
    h(formatSeconds(totalSeconds(data)))
  }. Keys are the first 12 hex digits; the full keys are in <code>deno task report --json</code>.</p>
${runCommands(data).map((c) => `<p class="note">Run by <code>${h(c)}</code></p>`).join("\n")}
</section>
</main>
</body>
</html>
`;
}
