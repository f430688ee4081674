/**
 * Write a sweep's comparison table beside its report: `compare.md`, `compare.html` and
 * `compare.csv`, each written aside and renamed so a reader never sees half a file.
 *
 * @module
 */
import { join } from "node:path";
import type { ReportData } from "../report/collect_report.ts";
import { writeAtomic } from "../report/write_atomic.ts";
import { type CompareTable, compareTable } from "./compare_table.ts";
import { compareCsv, compareHtml, compareLegend, compareMarkdown } from "./render_compare.ts";
import type { Sweep } from "./sweep.ts";

/** The files written and the table behind them. */
export interface WrittenCompare {
  markdown: string;
  html: string;
  csv: string;
  table: CompareTable;
}

/** Compare the configurations of `sweep` on `data` and write the three files into `dir`. */
export async function writeCompare(
  dir: string,
  sweep: Sweep,
  data: ReportData,
): Promise<WrittenCompare> {
  const table = compareTable(sweep, data);
  const paths = {
    markdown: join(dir, "compare.md"),
    html: join(dir, "compare.html"),
    csv: join(dir, "compare.csv"),
  };
  const title = `${data.pipeline}: ${sweep.configurations.length} configurations`;
  const texts: [string, string][] = [
    [paths.markdown, `# ${title}\n\n${compareMarkdown(table)}\n\n${compareLegend(table)}\n`],
    [paths.html, compareHtml(table, title)],
    [paths.csv, compareCsv(table)],
  ];
  await Deno.mkdir(dir, { recursive: true });
  for (const [path, text] of texts) {
    await writeAtomic(path, text);
  }
  return { ...paths, table };
}
