/**
 * Learning curves from the steps' per-epoch histories: one chart per metric, one line per step
 * (the mean over its seeds, with a ± sd band), ensembles as dashed reference lines. The train
 * loss is the loss each step minimises, so steps with different losses (a teacher's
 * cross-entropy, a student's KD loss) get a chart per loss, each titled with its loss.
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

/** Readable names of the losses steps train on; others go by their descriptor's name. */
const LOSS_NAMES: Record<string, string> = {
  crossEntropy: "cross-entropy",
  kd: "KD loss",
  cwtm: "CWTM loss",
  dkpp: "DKPP loss",
};

/** The name of a loss descriptor (`kd(temperature=1)` → `kd`). */
const lossId = (loss: string | undefined) => loss?.match(/^[^(]*/)?.[0] || "loss";

/** The train steps' base names grouped by the loss they train on, in order. */
function byLoss(data: ReportData, names: string[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const s of data.steps) {
    if (s.kind !== "train" || !names.includes(s.baseName)) continue;
    const id = lossId(s.loss);
    if (!groups.has(id)) groups.set(id, new Set());
    groups.get(id)!.add(s.baseName);
  }
  return groups;
}

/** One chart spec per metric that at least one step recorded per epoch. */
export function learningCurves(data: ReportData): ChartSpec[] {
  const colors = stepColors(data);
  const charts: ChartSpec[] = [];
  for (const c of CURVES) {
    if (c.id !== "trainLoss") {
      const chart = curveChart(data, colors, c, c.id, c.title);
      if (chart) charts.push(chart);
      continue;
    }
    const groups = byLoss(data, [...colors.keys()]);
    for (const [loss, names] of groups) {
      const label = LOSS_NAMES[loss] ?? loss;
      const subset = new Map([...colors].filter(([n]) => names.has(n)));
      const chart = groups.size > 1
        ? curveChart(data, subset, c, `${c.id}-${loss}`, `${c.title}: ${label}`)
        : curveChart(data, subset, c, c.id, `${c.title} (${label})`);
      if (chart) charts.push({ ...chart, yLabel: label });
    }
  }
  return charts;
}

/** The chart of metric `c` over the steps in `colors`, or undefined when none recorded it. */
function curveChart(
  data: ReportData,
  colors: Map<string, string>,
  c: typeof CURVES[number],
  id: string,
  title: string,
): ChartSpec | undefined {
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
  if (!series.length) return undefined;
  // Every metric charted is a loss, error rate or perplexity: never below 0.
  return { id, title, xLabel: "epoch", yLabel: c.yLabel, series, references, min: 0 };
}
