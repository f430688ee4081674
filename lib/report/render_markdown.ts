/** The report as Markdown: results table, missing steps, provenance. @module */
import type { ReportData } from "./collect_report.ts";
import { provenanceCells, runCommands, totalSeconds } from "./provenance_table.ts";
import { modelLegend, resultCells, type ResultsTable } from "./results_table.ts";
import { formatSeconds } from "../progress/format.ts";

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A GitHub-flavoured Markdown table; numeric-looking columns are right-aligned. */
export function markdownTable(header: string[], rows: string[][], right: number[] = []): string {
  const sep = header.map((_, i) => (right.includes(i) ? "---:" : "---"));
  return [header, sep, ...rows].map((r) => `| ${r.map(cell).join(" | ")} |`).join("\n");
}

/** The paper-style results table alone (what `report` prints). */
export function resultsMarkdown(table: ResultsTable): string {
  const { header, rows } = resultCells(table);
  const right = header.map((_, i) => i).filter((i) => i >= 4);
  return markdownTable(header, rows, right);
}

/** What the table's numbers are, in one paragraph. */
export function tableLegend(table: ResultsTable): string {
  const ref = table.teacher ? `"${table.teacher}"` : "no teacher step";
  return `Last-epoch results, mean ± sample sd over seeds. Δ vs teacher: the difference from ${ref}, ` +
    `paired seed by seed (negative = lower error or perplexity than the teacher).`;
}

/** The distinct datasets the steps use, in order. */
export function datasetsOf(data: ReportData): string[] {
  return [...new Set(data.steps.map((s) => s.dataset))];
}

/** Names of steps not in the cache, with why. */
export function missingLines(data: ReportData): string[] {
  return data.steps.filter((s) => s.status !== "done").map((s) =>
    `${s.name}: ${s.status === "corrupt" ? "" : "not in the cache"}${
      s.note ? (s.status === "corrupt" ? s.note : ` (${s.note})`) : ""
    }`
  );
}

/** The whole report as a Markdown document. */
export function renderMarkdown(data: ReportData, table: ResultsTable): string {
  const params = Object.entries(data.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const out = [
    `# ${data.pipeline}: results`,
    "",
    `Pipeline \`${data.file}\` · params ${params.join(" ")} · generated ${data.generatedAt}`,
    "",
    `Data: ${datasetsOf(data).map((d) => `\`${d}\``).join(", ")}`,
    "",
    resultsMarkdown(table),
    "",
    tableLegend(table),
    ...modelLegend(table).map((m, i) => `${i ? "" : "\nModels:\n\n"}- ${m}`),
  ];
  const missing = missingLines(data);
  if (missing.length) {
    out.push("", `## Missing (${missing.length} of ${data.steps.length} steps)`, "");
    out.push(...missing.map((m) => `- ${m}`));
  }
  const prov = provenanceCells(data);
  out.push(
    "",
    "## Provenance",
    "",
    markdownTable(prov.header, prov.rows, [4, 7]),
    "",
    `Total wall time of the cached steps: ${formatSeconds(totalSeconds(data))}.`,
    "",
  );
  const commands = runCommands(data);
  if (commands.length) {
    out.push("Run by:", "", ...commands.map((c) => `    ${c}`), "");
  }
  return out.join("\n");
}
