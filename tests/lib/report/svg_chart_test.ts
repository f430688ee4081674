import { equal, match, ok } from "node:assert/strict";
import { lineChart } from "../../../lib/report/svg_chart.ts";

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

Deno.test("lineChart draws one line per series, a band where points have an sd, and references", () => {
  const svg = lineChart({
    id: "testError",
    title: "Test error (%)",
    xLabel: "epoch",
    yLabel: "error %",
    series: [
      {
        name: "teacher",
        color: "#4e79a7",
        points: [{ x: 1, y: 30, sd: 2, n: 2 }, { x: 2, y: 20, sd: 1, n: 2 }],
      },
      { name: "<gen1>", color: "#f28e2b", points: [{ x: 1, y: 28, n: 1 }, { x: 2, y: 19, n: 1 }] },
    ],
    references: [{ name: "bane (final)", color: "#59a14f", y: 15 }],
  });
  match(
    svg,
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="chart" data-metric="testError"/,
  );
  match(svg, /<title id="chart-testError-title">Test error \(%\)<\/title>/);
  equal(count(svg, /<g class="series"/g), 2);
  equal(count(svg, /<path /g), 2);
  equal(count(svg, /class="band"/g), 1);
  equal(count(svg, /class="reference"/g), 1);
  equal(count(svg, /<circle /g), 4);
  ok(svg.includes("&lt;gen1&gt;") && !svg.includes("<gen1>"), "names are escaped");
  ok(!svg.includes("NaN"));
  // Larger values sit higher on the page (smaller y).
  const cys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
  ok(cys[0] < cys[1], `30 should be above 20: ${cys}`);
});

Deno.test("lineChart handles a single point and a constant series without NaN", () => {
  const one = lineChart({
    id: "a",
    title: "A",
    xLabel: "epoch",
    yLabel: "y",
    series: [{ name: "s", color: "#000", points: [{ x: 1, y: 5, n: 1 }] }],
  });
  ok(!one.includes("NaN") && !one.includes("Infinity"));
  equal(count(one, /<circle /g), 1);
  const empty = lineChart({ id: "b", title: "B", xLabel: "epoch", yLabel: "y", series: [] });
  ok(!empty.includes("NaN") && empty.endsWith("</svg>"));
});

Deno.test("a band stops at the metric's least value and the x axis ends at the last epoch", () => {
  // 13 epochs: round ticks every 2 epochs would end the axis at 14.
  const points = Array.from({ length: 13 }, (_, i) => ({ x: i + 1, y: 1, sd: 3, n: 2 }));
  const spec = { id: "e", title: "E", xLabel: "epoch", yLabel: "error %" };
  const svg = lineChart({ ...spec, series: [{ name: "s", color: "#000", points }], min: 0 });
  const band = svg.match(/<polygon class="band" points="([^"]+)"/)![1].split(" ")
    .map((p) => Number(p.split(",")[1]));
  // The plot's bottom edge is the axis line; no band point lies below it.
  const axisY = Number(
    svg.match(/<line x1="58" x2="546" y1="([\d.]+)" y2="\1" stroke="#999"\/>/)![1],
  );
  ok(band.every((y) => y <= axisY + 1e-9), `${band} vs ${axisY}`);
  ok(band.some((y) => Math.abs(y - axisY) < 1e-9), "the band reaches 0");
  // The first y tick is 0, not a negative number.
  ok(!/text-anchor="end">-/.test(svg));
  // The last point is at the right end of the plot (x = 560 - 14), labelled 13.
  const cxs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
  equal(cxs[cxs.length - 1], 546);
  match(svg, /text-anchor="middle">13<\/text>/);
  ok(!/text-anchor="middle">14<\/text>/.test(svg));
  // Without a least value the band goes below 0.
  const free = lineChart({ ...spec, series: [{ name: "s", color: "#000", points }] });
  match(free, /text-anchor="end">-/);
});
