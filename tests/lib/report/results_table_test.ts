import { deepEqual, equal, ok } from "node:assert/strict";
import { formatStats, resultCells, resultsTable } from "../../../lib/report/results_table.ts";
import type { ReportData } from "../../../lib/report/collect_report.ts";
import { reportFixture } from "./fixture.ts";

const close = (a: number | undefined, b: number) =>
  ok(a !== undefined && Math.abs(a - b) < 1e-9, `${a} != ${b}`);

Deno.test("resultsTable groups replicates by base name with mean ± sd and the seed count", () => {
  const t = resultsTable(reportFixture());
  deepEqual(t.rows.map((r) => r.name), ["teacher", "gen1", "gen2", "bane"]);
  equal(t.teacher, "teacher");
  deepEqual(t.metrics, ["testError"]);
  const [teacher, gen1, gen2, bane] = t.rows;
  close(teacher.metrics.testError?.mean, 21);
  close(teacher.metrics.testError?.sd, Math.SQRT2);
  close(gen1.metrics.testError?.mean, 18.5);
  deepEqual(gen1.seeds, { done: 2, declared: 2 });
  deepEqual(gen2.seeds, { done: 1, declared: 2 });
  deepEqual(gen2.missing, ["gen2#2"]);
  deepEqual(bane.inputs, ["gen1", "gen2"]);
  equal(bane.parameters, 2000);
});

Deno.test("the delta vs the teacher is paired seed by seed on the headline metric", () => {
  const [teacher, gen1, gen2, bane] = resultsTable(reportFixture()).rows;
  equal(teacher.delta, undefined);
  // gen1: 18 - 20 and 19 - 22.
  close(gen1.delta?.mean, -2.5);
  close(gen1.delta?.sd, Math.SQRT1_2);
  // gen2 and bane have only seed 1: 17 - 20 and 15 - 20.
  close(gen2.delta?.mean, -3);
  equal(gen2.delta?.sd, undefined);
  close(bane.delta?.mean, -5);
});

Deno.test("resultCells prints mean ± sd, the signed delta, partial seeds and missing rows", () => {
  const data = reportFixture();
  data.steps.push({
    name: "gen3",
    baseName: "gen3",
    replicate: 1,
    kind: "train",
    domain: "image",
    key: "d".repeat(64),
    seed: 1,
    status: "missing",
    dataset: "d",
    teacher: ["gen2"],
  });
  const { header, rows } = resultCells(resultsTable(data));
  deepEqual(header, [
    "step",
    "model",
    "loss",
    "from",
    "params",
    "test error %",
    "Δ vs teacher",
    "seeds",
  ]);
  deepEqual(rows[0].slice(4), ["1.0k", "21.00 ± 1.41", "(teacher)", "2"]);
  deepEqual(rows[1].slice(3), ["teacher", "1.0k", "18.50 ± 0.71", "-2.50 ± 0.71", "2"]);
  deepEqual(rows[2].slice(5), ["17.00", "-3.00", "1 of 2"]);
  deepEqual(rows[3].slice(1, 4), ["ensemble of 2", "", "gen1 + gen2"]);
  deepEqual(rows[4].slice(5), ["missing", "", "0 of 1"]);
  equal(formatStats({ mean: 0.5, n: 1, values: [0.5] }, true), "+0.50");
});

Deno.test("without a step named teacher the first train step without a teacher is the reference", () => {
  const data = reportFixture();
  for (const s of data.steps) {
    if (s.baseName === "teacher") s.baseName = "base";
    s.teacher = s.teacher?.map((t) => (t === "teacher" ? "base" : t));
  }
  const t = resultsTable(data);
  equal(t.teacher, "base");
  close(t.rows[1].delta?.mean, -2.5);
  const noRef = resultsTable({ ...data, steps: data.steps.filter((s) => s.baseName !== "base") });
  equal(noRef.teacher, undefined);
  ok(noRef.rows.every((r) => r.delta === undefined));
});

Deno.test("language-model results show validation and test perplexity, the delta on test", () => {
  const lm = (baseName: string, valid: number, test: number): ReportData["steps"][number] => ({
    name: baseName,
    baseName,
    replicate: 1,
    kind: "train",
    domain: "text",
    key: baseName.padEnd(64, "0"),
    seed: 1,
    status: "done",
    dataset: "ptb",
    ...(baseName === "teacher" ? {} : { teacher: ["teacher"] }),
    result: { testPerplexity: test, validPerplexity: valid, parameters: 5 },
  });
  const t = resultsTable({
    ...reportFixture(),
    steps: [lm("teacher", 83.69, 80.05), lm("banL", 80.27, 76.97)],
  });
  deepEqual(t.metrics, ["validPerplexity", "testPerplexity"]);
  equal(t.rows[1].headline, "testPerplexity");
  close(t.rows[1].delta?.mean, 76.97 - 80.05);
  deepEqual(resultCells(t).header.slice(5, 7), ["valid ppl", "test ppl"]);
});

Deno.test("a step with no result yet still gets its domain's metric column, marked missing", () => {
  const [teacher] = reportFixture().steps;
  const t = resultsTable({
    ...reportFixture(),
    steps: [{ ...teacher, domain: "text", status: "missing", result: undefined }],
  });
  deepEqual(t.metrics, ["testPerplexity"]);
  deepEqual(resultCells(t).rows[0].slice(5), ["missing", "(teacher)", "0 of 1"]);
});
