/**
 * The results table for the terminal: columns padded to one width (numbers right-aligned), a rule
 * under the header, then what the numbers are and the full descriptors of the short model names.
 *
 * @module
 */
import { table as textTable } from "../progress/format.ts";
import { tableLegend } from "./render_markdown.ts";
import { modelLegend, resultCells, type ResultsTable } from "./results_table.ts";

/** The results table, its legend and the models' full descriptors, as the terminal shows them. */
export function resultsText(table: ResultsTable): string {
  const { header, rows } = resultCells(table);
  const right = header.map((_, i) => i).filter((i) => i >= 4);
  const models = modelLegend(table);
  return [
    textTable(header, rows, right),
    "",
    tableLegend(table),
    ...(models.length ? [`Models: ${models.join("; ")}.`] : []),
  ].join("\n");
}
