/** Builders of the plan steps and worker events the progress tests feed their reporters. */
import type { StepInfo } from "../../../lib/progress/footer.ts";
import type { WorkerEvent } from "../../../lib/worker/events.ts";

/** An image train step the run will train. */
export const trainStep = (name: string, o: Partial<StepInfo> = {}): StepInfo => ({
  name,
  kind: "train",
  status: "run",
  inputs: [],
  unit: "img/s",
  ...o,
});

/** A train progress event; fields not given take small fixed values. */
export const trainProgress = (
  step: string,
  o: Partial<Extract<WorkerEvent, { t: "progress" }>> = {},
): WorkerEvent => ({
  t: "progress",
  step,
  phase: "train",
  epoch: 1,
  epochs: 2,
  batch: 1,
  batches: 10,
  loss: 1,
  lr: 0.1,
  rate: 100,
  ...o,
});
