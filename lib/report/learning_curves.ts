/**
 * Learning curves from the steps' per-epoch histories: one chart per metric, one line per step
 * (the mean over its seeds, with a ± sd band), ensembles as dashed reference lines.
 *
 * @module
 */
import type { ReportData } from "./collect_report.ts";
import type { ChartPoint, ChartReference, ChartSeries, ChartSpec } from "./svg_chart.ts";
import { summarise } from "./stats.ts";

/** Per-epoch metrics that get a chart, in page order, with their titles. */
export const CURVES = [
  { id: "trainLoss", title: "Train loss", yLabel: "loss" },
  { id: "testLoss", title: "Test loss", yLabel: "loss" },
  { id: "testError", title: "Test error (%)", yLabel: "error %" },
  { id: "testPerplexity", title: "Test perplexity", yLabel: "perplexity" },
  { id: "validLoss", title: "Validation loss", yLabel: "loss" },
  { id: "validError", title: "Validation error (%)", yLabel: "error %" },
  { id: "validPerplexity", title: "Validation perplexity", yLabel: "perplexity" },
] as const;

/** Tableau 10: distinct, print-safe colours; steps keep one colour across every chart. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

/** The colour of each base step name, in declaration order. */
export function stepColors(data: ReportData): Map<string, string> {
  const names = [...new Set(data.steps.map((s) => s.baseName))];
  return new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]]));
}

/** One chart spec per metric that at least one step recorded per epoch. */
export function learningCurves(data: ReportData): ChartSpec[] {
  const colors = stepColors(data);
  const charts: ChartSpec[] = [];
  for (const c of CURVES) {
    const series: ChartSeries[] = [];
    const references: ChartReference[] = [];
    for (const [name, color] of colors) {
      const done = data.steps.filter((s) => s.baseName === name && s.status === "done");
      const histories = done.flatMap((s) => s.history ?? []);
      if (histories.length) {
        const byEpoch = new Map<number, number[]>();
        for (const h of histories) {
          const e = h.epoch, v = h[c.id];
          if (typeof e !== "number" || typeof v !== "number" || !Number.isFinite(v)) continue;
          if (!byEpoch.has(e)) byEpoch.set(e, []);
          byEpoch.get(e)!.push(v);
        }
        const points: ChartPoint[] = [...byEpoch].sort((a, b) => a[0] - b[0]).map(([x, vs]) => {
          const st = summarise(vs)!;
          return { x, y: st.mean, sd: st.sd, n: st.n };
        });
        if (points.length) series.push({ name, color, points });
      } else if (done.length && done[0].kind === "ensemble") {
        const st = summarise(done.flatMap((s) => {
          const v = s.result?.[c.id];
          return typeof v === "number" && Number.isFinite(v) ? [v] : [];
        }));
        if (st) references.push({ name: `${name} (final)`, color, y: st.mean });
      }
    }
    if (series.length) {
      charts.push({
        id: c.id,
        title: c.title,
        xLabel: "epoch",
        yLabel: c.yLabel,
        series,
        references,
      });
    }
  }
  return charts;
}
