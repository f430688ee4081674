import { deepEqual, equal, ok } from "node:assert/strict";
import { learningCurves, stepColors } from "../../../lib/report/learning_curves.ts";
import { reportFixture } from "./fixture.ts";

Deno.test("learningCurves makes one chart per recorded metric with the mean over seeds", () => {
  const charts = learningCurves(reportFixture());
  deepEqual(charts.map((c) => c.id), [
    "trainLoss-crossEntropy",
    "trainLoss-kd",
    "testLoss",
    "testError",
  ]);
  const err = charts.find((c) => c.id === "testError")!;
  deepEqual(err.series.map((s) => s.name), ["teacher", "gen1", "gen2"]);
  const teacher = err.series[0].points;
  deepEqual(teacher.map((p) => p.x), [1, 2, 3]);
  equal(teacher[2].y, 21);
  ok(Math.abs(teacher[2].sd! - Math.SQRT2) < 1e-12);
  equal(teacher[2].n, 2);
  // gen2 has one seed: no band.
  equal(err.series[2].points[2].sd, undefined);
  // The ensemble has no epochs: a reference line at its final value.
  deepEqual(err.references, [{
    name: "bane (final)",
    color: stepColors(reportFixture()).get("bane"),
    y: 15,
  }]);
});

Deno.test("learningCurves is empty when no step has a history", () => {
  const data = reportFixture();
  for (const s of data.steps) delete s.history;
  deepEqual(learningCurves(data), []);
});

Deno.test("the teacher's cross-entropy and the students' KD loss are charted as different losses", () => {
  const charts = learningCurves(reportFixture());
  const [ce, kd] = charts;
  equal(ce.title, "Train loss: cross-entropy");
  equal(ce.yLabel, "cross-entropy");
  deepEqual(ce.series.map((s) => s.name), ["teacher"]);
  equal(kd.title, "Train loss: KD loss");
  equal(kd.yLabel, "KD loss");
  deepEqual(kd.series.map((s) => s.name), ["gen1", "gen2"]);
  // Every chart's values are non-negative, so its bands stop at 0.
  ok(charts.every((c) => c.min === 0));

  // One loss for every step: one train-loss chart, titled with it.
  const data = reportFixture();
  for (const s of data.steps) if (s.kind === "train") s.loss = "crossEntropy";
  const one = learningCurves(data).filter((c) => c.id.startsWith("trainLoss"));
  deepEqual(one.map((c) => [c.id, c.title]), [["trainLoss", "Train loss (cross-entropy)"]]);
});
