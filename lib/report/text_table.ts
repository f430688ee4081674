/**
 * The results table for the terminal: columns padded to one width (numbers right-aligned), a rule
 * under the header, then what the numbers are and the full descriptors of the short model names.
 *
 * @module
 */
import { tableLegend } from "./render_markdown.ts";
import { modelLegend, resultCells, type ResultsTable } from "./results_table.ts";

/** Columns padded to their widest cell, two spaces apart; columns in `right` right-aligned. */
export function alignedTable(header: string[], rows: string[][], right: number[] = []): string {
  const all = [header, ...rows];
  // Length in code points, so `±` and `Δ` count as one column.
  const len = (s: string) => [...s].length;
  const widths = header.map((_, i) => Math.max(...all.map((r) => len(r[i] ?? ""))));
  const line = (r: string[]) =>
    r.map((c, i) => {
      const pad = " ".repeat(widths[i] - len(c));
      return right.includes(i) ? pad + c : c + pad;
    }).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The results table, its legend and the models' full descriptors, as the terminal shows them. */
export function resultsText(table: ResultsTable): string {
  const { header, rows } = resultCells(table);
  const right = header.map((_, i) => i).filter((i) => i >= 4);
  const models = modelLegend(table);
  return [
    alignedTable(header, rows, right),
    "",
    tableLegend(table),
    ...(models.length ? [`Models: ${models.join("; ")}.`] : []),
  ].join("\n");
}
