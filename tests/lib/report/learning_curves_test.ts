import { deepEqual, equal, ok } from "node:assert/strict";
import { learningCurves, stepColors } from "../../../lib/report/learning_curves.ts";
import { reportFixture } from "./fixture.ts";

Deno.test("learningCurves makes one chart per recorded metric with the mean over seeds", () => {
  const charts = learningCurves(reportFixture());
  deepEqual(charts.map((c) => c.id), ["trainLoss", "testLoss", "testError"]);
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
