/**
 * A line chart as a self-contained inline SVG string: no script, no external requests, so the
 * page renders the same offline, in print and in a headless browser.
 *
 * @module
 */
import { escapeHtml } from "./escape_html.ts";
import { niceTicks } from "./nice_ticks.ts";

/** One point: the mean over seeds at `x`, with its sample sd when there are several. */
export interface ChartPoint {
  x: number;
  y: number;
  sd?: number;
  n: number;
}

/** One line. */
export interface ChartSeries {
  name: string;
  color: string;
  points: ChartPoint[];
}

/** A horizontal reference line (a step with a final value but no curve, e.g. an ensemble). */
export interface ChartReference {
  name: string;
  color: string;
  y: number;
}

/** What {@linkcode lineChart} draws. */
export interface ChartSpec {
  /** Used for element ids and `data-metric`. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  references?: ChartReference[];
  /** The least value the metric can take (0 for losses and error rates): bands stop there. */
  min?: number;
}

/** Size options of {@linkcode lineChart}. */
export interface LineChartOptions {
  /** Width in SVG units (default 560); the page scales it to its column. */
  width?: number;
  /** Height of the plot area (default 220); the legend adds rows below. */
  plotHeight?: number;
}

const M = { left: 58, right: 14, top: 34, bottom: 40 };
const LEGEND_ROW = 18;

const fmt = (v: number, decimals: number) => v.toFixed(decimals);

/**
 * Draw `spec` as an `<svg>` element: gridlines at round ticks, one line per series with a ± sd
 * band where points have one, dashed reference lines, and a legend below the plot.
 *
 * @example
 * ```ts
 * const svg = lineChart({
 *   id: "testError", title: "Test error (%)", xLabel: "epoch", yLabel: "%",
 *   series: [{ name: "teacher", color: "#4e79a7", points: [{ x: 1, y: 20, n: 1 }] }],
 * });
 * ```
 */
export function lineChart(spec: ChartSpec, options: LineChartOptions = {}): string {
  const width = options.width ?? 560;
  const plotH = options.plotHeight ?? 220;
  const plotW = width - M.left - M.right;
  const refs = spec.references ?? [];
  const series = spec.series.filter((s) => s.points.length > 0);

  // A ± sd band stops at the metric's least value: an error rate's band never dips below 0.
  const floor = spec.min ?? -Infinity;
  const low = (p: ChartPoint) => Math.max(floor, p.y - (p.sd ?? 0));
  const ys = series.flatMap((s) => s.points.flatMap((p) => [low(p), p.y + (p.sd ?? 0)]))
    .concat(refs.map((r) => r.y)).filter(Number.isFinite);
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  // A little headroom so no line runs along the frame.
  const [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  const pad = (yMax - yMin) * 0.03;
  const yt = niceTicks(yMin >= 0 ? Math.max(0, yMin - pad) : yMin - pad, yMax + pad, 5);
  const xMax = Math.max(1, ...xs);
  const xNice = niceTicks(xMax > 1 ? 1 : 0, xMax > 1 ? xMax : 2, Math.min(8, xMax), true);
  // The x axis ends at the last epoch, not at the next round tick past it.
  const xt = xMax > 1 ? { ...xNice, values: xNice.values.filter((v) => v <= xMax) } : xNice;
  // The last epoch gets its own tick unless it would crowd the round one before it.
  const step = xNice.values[1] - xNice.values[0];
  const lastTick = xt.values[xt.values.length - 1];
  if (xMax > 1 && xMax - lastTick >= step / 2) xt.values.push(xMax);
  const [y0, y1] = [yt.values[0], yt.values[yt.values.length - 1]];
  const [x0, x1] = [xt.values[0], xMax > 1 ? xMax : xt.values[xt.values.length - 1]];
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number) => M.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const r = (v: number) => v.toFixed(1);

  // Legend: entries flow left to right and wrap.
  const entries = [
    ...series.map((s) => ({ name: s.name, color: s.color, dashed: false })),
    ...refs.map((s) => ({ name: s.name, color: s.color, dashed: true })),
  ];
  const legend: string[] = [];
  let lx = M.left, row = 0;
  for (const e of entries) {
    const w = 34 + e.name.length * 7;
    if (lx + w > width - M.right && lx > M.left) {
      lx = M.left;
      row++;
    }
    const ly = M.top + plotH + M.bottom + 14 + row * LEGEND_ROW;
    legend.push(
      `<g class="legend-item"><line x1="${lx}" y1="${ly - 4}" x2="${lx + 20}" y2="${
        ly - 4
      }" stroke="${e.color}" stroke-width="2.5"${
        e.dashed ? ' stroke-dasharray="5 3"' : ""
      }/><text x="${lx + 25}" y="${ly}">${escapeHtml(e.name)}</text></g>`,
    );
    lx += w;
  }
  const height = M.top + plotH + M.bottom + (entries.length ? 14 + (row + 1) * LEGEND_ROW : 0);

  const out: string[] = [];
  const titleId = `chart-${spec.id}-title`;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-metric="${
      escapeHtml(spec.id)
    }" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<title id="${titleId}">${escapeHtml(spec.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${M.left}" y="20" font-size="14" font-weight="600" fill="#222">${
      escapeHtml(spec.title)
    }</text>`,
  );
  out.push(`<g class="grid" stroke="#e6e6e6" stroke-width="1">`);
  for (const v of yt.values) {
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${r(sy(v))}" y2="${r(sy(v))}"/>`);
  }
  out.push(`</g>`);
  out.push(`<g class="axis" fill="#555">`);
  for (const v of yt.values) {
    out.push(
      `<text x="${M.left - 6}" y="${r(sy(v) + 4)}" text-anchor="end">${fmt(v, yt.decimals)}</text>`,
    );
  }
  for (const v of xt.values) {
    out.push(
      `<line x1="${r(sx(v))}" x2="${r(sx(v))}" y1="${M.top + plotH}" y2="${
        M.top + plotH + 4
      }" stroke="#999"/><text x="${r(sx(v))}" y="${M.top + plotH + 17}" text-anchor="middle">${
        fmt(v, 0)
      }</text>`,
    );
  }
  out.push(
    `<line x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${
      M.top + plotH
    }" stroke="#999"/>`,
    `<text x="${M.left + plotW / 2}" y="${M.top + plotH + 33}" text-anchor="middle">${
      escapeHtml(spec.xLabel)
    }</text>`,
    `<text transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${
      escapeHtml(spec.yLabel)
    }</text>`,
    `</g>`,
  );
  for (const ref of refs) {
    out.push(
      `<line class="reference" x1="${M.left}" x2="${M.left + plotW}" y1="${r(sy(ref.y))}" y2="${
        r(sy(ref.y))
      }" stroke="${ref.color}" stroke-width="2" stroke-dasharray="5 3"><title>${
        escapeHtml(`${ref.name}: ${ref.y.toFixed(2)}`)
      }</title></line>`,
    );
  }
  for (const s of series) {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const color = escapeHtml(s.color);
    out.push(`<g class="series" data-name="${escapeHtml(s.name)}">`);
    if (pts.every((p) => p.sd !== undefined)) {
      const upper = pts.map((p) => `${r(sx(p.x))},${r(sy(p.y + p.sd!))}`);
      const lower = pts.map((p) => `${r(sx(p.x))},${r(sy(low(p)))}`).reverse();
      out.push(
        `<polygon class="band" points="${
          [...upper, ...lower].join(" ")
        }" fill="${color}" fill-opacity="0.12" stroke="none"/>`,
      );
    }
    const d = pts.map((p, i) => `${i ? "L" : "M"}${r(sx(p.x))},${r(sy(p.y))}`).join("");
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of pts) {
      const tip = `${s.name}, ${spec.xLabel} ${p.x}: ${p.y.toFixed(3)}` +
        (p.sd !== undefined ? ` ± ${p.sd.toFixed(3)} (${p.n} seeds)` : "");
      out.push(
        `<circle cx="${r(sx(p.x))}" cy="${r(sy(p.y))}" r="3" fill="${color}"><title>${
          escapeHtml(tip)
        }</title></circle>`,
      );
    }
    out.push(`</g>`);
  }
  out.push(`<g class="legend" fill="#333">${legend.join("")}</g>`, `</svg>`);
  return out.join("\n");
}
