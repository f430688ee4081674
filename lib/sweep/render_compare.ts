/**
 * A sweep's comparison table as Markdown (also what the terminal shows), CSV (one row per
 * configuration; mean, sd and seed count per step, unformatted, for pandas or a spreadsheet) and
 * a self-contained HTML page.
 *
 * @module
 */
import { escapeHtml } from "../report/escape_html.ts";
import { csvField } from "../report/metrics_csv.ts";
import { markdownTable } from "../report/render_markdown.ts";
import { formatStats } from "../report/results_table.ts";
import type { CompareCell, CompareTable } from "./compare_table.ts";
import { formatValue } from "./expand.ts";

const UNIT = { testError: "test error %", testPerplexity: "test ppl" } as Record<string, string>;

/** `41.20 ± 0.57`, with `(1/2 seeds)` while replicates are missing, `missing` with none. */
function cellText(c: CompareCell): string {
  if (!c.stats) return c.declared ? "missing" : "";
  const partial = c.done < c.declared ? ` (${c.done}/${c.declared} seeds)` : "";
  return formatStats(c.stats) + partial;
}

/** Header and string cells, shared by the Markdown and HTML forms. */
export function compareCells(t: CompareTable): { header: string[]; rows: string[][] } {
  return {
    header: ["#", ...t.varied, ...t.columns.map((c) => c.step)],
    rows: t.rows.map((r) => [
      String(r.index),
      ...t.varied.map((p) => formatValue(r.params[p])),
      ...r.cells.map(cellText),
    ]),
  };
}

/** What the numbers are, in one sentence. */
export function compareLegend(t: CompareTable): string {
  const units = [...new Set(t.columns.map((c) => UNIT[c.metric] ?? c.metric))].join(", or ");
  return `Configurations of the sweep; each step's last-epoch ${units}, mean ± sample sd over seeds.`;
}

/** The table in Markdown, numbers right-aligned. */
export function compareMarkdown(t: CompareTable): string {
  const { header, rows } = compareCells(t);
  const right = header.map((_, i) => i).filter((i) => i === 0 || i > t.varied.length);
  return markdownTable(header, rows, right);
}

/** The table as CSV: `configuration`, the varied params, then `<step>_mean,_sd,_n` per step. */
export function compareCsv(t: CompareTable): string {
  const header = [
    "configuration",
    ...t.varied,
    ...t.columns.flatMap((
      c,
    ) => [`${c.step}_${c.metric}_mean`, `${c.step}_${c.metric}_sd`, `${c.step}_n`]),
  ];
  const rows = t.rows.map((r) => [
    r.index,
    ...t.varied.map((p) => String(r.params[p])),
    ...r.cells.flatMap((c) => [c.stats?.mean, c.stats?.sd, c.done]),
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}

/** A self-contained HTML page holding the table. */
export function compareHtml(t: CompareTable, title: string): string {
  const { header, rows } = compareCells(t);
  const numeric = (i: number) => i === 0 || i > t.varied.length;
  const th = header.map((h, i) => `<th${numeric(i) ? ' class="n"' : ""}>${escapeHtml(h)}</th>`);
  const trs = rows.map((r) =>
    `<tr>${
      r.map((c, i) => `<td${numeric(i) ? ' class="n"' : ""}>${escapeHtml(c)}</td>`).join("")
    }</tr>`
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; white-space: nowrap; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<table><thead><tr>${th.join("")}</tr></thead>
<tbody>
${trs.join("\n")}
</tbody></table>
<p>${escapeHtml(compareLegend(t))}</p>
</body></html>
`;
}
