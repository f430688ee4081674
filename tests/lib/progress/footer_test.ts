import { equal, match } from "node:assert/strict";
import { PipelineProgress, rateUnit } from "../../../lib/progress/footer.ts";
import type { WorkerEvent } from "../../../lib/worker/events.ts";
import { trainProgress, trainStep } from "./_events.ts";

/** A fake clock in milliseconds. */
function fakeClock() {
  const c = { now: 0, clock: () => c.now };
  return c;
}

const train = trainStep;

/** A train progress event: `batch` of `batches` in epoch `epoch` of `epochs`. */
const progress = (
  step: string,
  epoch: number,
  batch: number,
  o: { epochs?: number; batches?: number; eta?: number } = {},
) => trainProgress(step, { epoch, batch, ...o });

const start = (step: string): WorkerEvent => ({ t: "start", step, executor: "cpu", threads: 1 });

Deno.test("the footer counts the steps to run and shows an ETA only after a few batches", () => {
  const c = fakeClock();
  const p = new PipelineProgress(c.clock);
  p.setRun({
    pipeline: "smoke",
    jobs: 1,
    steps: [
      train("data", { status: "cached" }),
      train("teacher", { estimatedSeconds: 10 }),
      train("student", { estimatedSeconds: 10, inputs: ["teacher"] }),
    ],
  });
  equal(p.footer(), "smoke: 0/2 steps, elapsed 0.0s");
  p.event(start("teacher"));
  c.now = 1000;
  p.event(progress("teacher", 1, 1, { eta: 19 }));
  c.now = 2000;
  p.event(progress("teacher", 1, 2, { eta: 18 }));
  equal(p.footer(), "smoke: 0/2 steps, elapsed 2.0s", "no ETA after 2 batches");
  c.now = 3000;
  p.event(progress("teacher", 1, 3, { eta: 17 }));
  // The teacher says 17 s more (20 s in all, twice its estimate): the student, estimated at
  // 10 s, should take 20 s after it.
  equal(p.footer(), "smoke: 0/2 steps, elapsed 3.0s, ETA 37s");
  // Between events the ETA counts down.
  c.now = 5000;
  equal(p.footer(), "smoke: 0/2 steps, elapsed 5.0s, ETA 35s");
  p.stepDone({ name: "teacher", key: "k1", status: "ran", seconds: 20, result: {} });
  equal(p.footer(), "smoke: 1/2 steps, elapsed 5.0s, ETA 20s");
  p.event(start("student"));
  p.stepDone({ name: "student", key: "k2", status: "ran", seconds: 20, result: {} });
  equal(p.footer(), "smoke: 2/2 steps, elapsed 5.0s");
});

Deno.test("steps without an estimate take the measured length of steps of their kind", () => {
  const c = fakeClock();
  const p = new PipelineProgress(c.clock);
  p.setRun({
    pipeline: "lm",
    jobs: 1,
    steps: [train("a", { unit: "tok/s" }), train("b", { unit: "tok/s", inputs: ["a"] })],
  });
  p.event(start("a"));
  for (let b = 1; b <= 5; b++) {
    c.now = b * 800;
    p.event(progress("a", 1, b, { eta: 10 - b * 0.8 }));
  }
  // a: 4 s done + 6 s left = 10 s; b as long.
  equal(p.eta(), 16);
  equal(p.unit("a"), "tok/s");
});

Deno.test("with two jobs, independent steps overlap in the ETA and dependents wait", () => {
  const c = fakeClock();
  const p = new PipelineProgress(c.clock);
  p.setRun({
    pipeline: "wide",
    jobs: 2,
    steps: [
      train("a", { estimatedSeconds: 10 }),
      train("b", { estimatedSeconds: 10 }),
      train("c", { estimatedSeconds: 10, inputs: ["a", "b"] }),
    ],
  });
  p.event(start("a"));
  p.event(start("b"));
  for (let b = 1; b <= 5; b++) {
    c.now = b * 1000;
    p.event(progress("a", 1, b, { eta: 10 - b }));
    p.event(progress("b", 1, b, { eta: 10 - b }));
  }
  // Both on pace (10 s each, as estimated): 5 s for both side by side, then 10 s for c.
  equal(p.eta(), 15);
  match(p.footer(), /^wide: 0\/3 steps, elapsed 5\.0s, ETA 15s$/);
});

Deno.test("a step that was planned cached but runs after all joins the count", () => {
  const p = new PipelineProgress(() => 0);
  p.setRun({ pipeline: "x", jobs: 1, steps: [train("a", { status: "cached" })] });
  equal(p.total, 0);
  p.event(start("a"));
  equal(p.total, 1);
});

Deno.test("rates count images for image steps and tokens for text steps", () => {
  equal(rateUnit("image"), "img/s");
  equal(rateUnit("text"), "tok/s");
});
