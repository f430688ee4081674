/**
 * The comparison table of a sweep: one row per configuration, its varied params, then each step's
 * headline metric (last-epoch test error, or test perplexity for language models) as mean ± sd
 * over the configuration's seed replicates. Built from a report's data: reads nothing itself.
 *
 * @module
 */
import type { ReportData } from "../report/collect_report.ts";
import type { MetricId } from "../report/results_table.ts";
import { type Stats, summarise } from "../report/stats.ts";
import type { Json } from "../plugin/descriptor.ts";
import type { Sweep } from "./sweep.ts";

/** One cell: a step of one configuration over its replicates. */
export interface CompareCell {
  stats?: Stats;
  /** Replicates with the metric, and replicates the configuration declares. */
  done: number;
  declared: number;
}

/** A step column. */
export interface CompareColumn {
  /** The step's name inside a configuration, without replicate (`gen1`). */
  step: string;
  metric: MetricId;
}

/** The whole table. */
export interface CompareTable {
  varied: string[];
  columns: CompareColumn[];
  rows: { index: number; params: Record<string, Json>; cells: CompareCell[] }[];
}

/** Compare the configurations of `sweep` on the results in `data` (a report of its plan). */
export function compareTable(sweep: Sweep, data: ReportData): CompareTable {
  const byName = new Map(data.steps.map((s) => [s.name, s]));
  const uses = (index: number) => sweep.steps.filter((s) => s.configurations.includes(index));
  // Columns in declaration order, from the configurations with the most steps first, so a step
  // only some configurations declare (a further generation) sits where they declare it.
  const bySize = [...sweep.configurations].sort((a, b) =>
    uses(b.index).length - uses(a.index).length
  );
  const columns: CompareColumn[] = [];
  for (const s of bySize.flatMap((c) => uses(c.index))) {
    if (columns.some((c) => c.step === s.originBase)) continue;
    const domain = byName.get(s.name)?.domain;
    columns.push({
      step: s.originBase,
      metric: domain === "text" ? "testPerplexity" : "testError",
    });
  }
  const rows = sweep.configurations.map((c) => ({
    index: c.index,
    params: c.varied,
    cells: columns.map((col): CompareCell => {
      const replicates = sweep.steps.filter((s) =>
        s.originBase === col.step && s.configurations.includes(c.index)
      );
      const values = replicates.map((s) => byName.get(s.name)?.result?.[col.metric])
        .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
      return { stats: summarise(values), done: values.length, declared: replicates.length };
    }),
  }));
  return { varied: sweep.varied, columns, rows };
}
