/**
 * Wall-time estimates for `plan` and `run`, from the doctor's measured ResNet-8 rate on the
 * executor a run will use: each image train step's work is its training images × epochs, scaled
 * by its model's size against ResNet-8's (parameters, and pixels for other image sizes), plus the
 * executor's measured start-up (a worker process loading it), which short steps are made of.
 * Rough by design (within a factor of 2-3: DenseNets run slower than their size says); text steps
 * and ensembles get none, since the doctor times an image model only.
 *
 * @module
 */
import type { ValidStep } from "../spec/step.ts";
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import type { DoctorReport } from "./report.ts";

/** CIFAR's training files hold 50,000 images. */
const CIFAR_TRAIN = 50_000;

/** Training images (and their side in pixels) a dataset's params give, where they say. */
export function trainImages(d: DatasetDescriptor): { images: number; side: number } | undefined {
  const p = d.params as Record<string, unknown>;
  if (d.name === "cifar10" || d.name === "cifar100") {
    const train = Number(p.train) || CIFAR_TRAIN - (Number(p.validation) || 0);
    return { images: train, side: 32 };
  }
  if (d.name === "syntheticImages") return { images: Number(p.train), side: Number(p.size) };
  return undefined;
}

/** The executor a run on `requested` will use, with its measured rate, from the doctor. */
export function chosenRate(requested: string, report: DoctorReport | undefined) {
  if (!report) return undefined;
  const name = requested === "auto" ? report.auto : requested;
  const e = report.executors.find((x) => x.name === name && x.available && x.rate);
  // Reports from before the rate carried its model's size cannot be scaled.
  if (!e?.rate || !(e.rate.parameters > 0) || !(e.rate.imagesPerSecond > 0)) return undefined;
  return {
    executor: e.name,
    threads: e.threads ?? 1,
    rate: { ...e.rate, startupSeconds: e.startupSeconds ?? 0 },
  };
}

/** Seconds `step` should take at `rate`, or undefined where it cannot be estimated. */
export function estimateSeconds(
  step: ValidStep,
  parameters: number | undefined,
  rate: { imagesPerSecond: number; parameters: number; startupSeconds?: number },
): number | undefined {
  if (step.kind !== "train" || step.domain !== "image" || !parameters) return undefined;
  const data = trainImages(step.dataset);
  if (!data || !(data.images > 0) || !(data.side > 0)) return undefined;
  const work = data.images * step.recipe.epochs;
  const scale = (parameters / rate.parameters) * (data.side * data.side) / (32 * 32);
  return (rate.startupSeconds ?? 0) + (work * scale) / rate.imagesPerSecond;
}

/** "about 2 days", "about 40 min", "about 5 s". */
export function aboutDuration(seconds: number): string {
  const units: [number, string, string][] = [
    [86_400, "day", "days"],
    [3_600, "hour", "hours"],
    [60, "min", "min"],
  ];
  for (const [size, one, many] of units) {
    if (seconds >= 1.5 * size || (size === 60 && seconds >= 60)) {
      const n = Math.round(seconds / size);
      return `about ${n} ${n === 1 ? one : many}`;
    }
  }
  return `about ${Math.max(1, Math.round(seconds))} s`;
}

/** "about 2 days on onednn with 2 threads". */
export function estimateLine(
  seconds: number,
  chosen: { executor: string; threads: number },
): string {
  const threads = `${chosen.threads} thread${chosen.threads === 1 ? "" : "s"}`;
  return `${aboutDuration(seconds)} on ${chosen.executor} with ${threads}`;
}

/** Estimates for a plan's steps to run, and the line saying their total. */
export interface PlanEstimate {
  /** Seconds per plan item (undefined: cached, or not estimable). */
  perStep: (number | undefined)[];
  /** Sum over the estimable steps to run, when a rate was measured. */
  totalSeconds?: number;
  /** "about 2 days on onednn with 2 threads[ for 4 of 6 steps]", where there is a total. */
  summary?: string;
  /** The line `plan` and `run` print. */
  line: string;
}

/** Estimate the steps of a plan that will run on `requested`, from the doctor's report. */
export function planEstimate(
  items: { step: ValidStep; status: string }[],
  parameters: (number | undefined)[],
  requested: string,
  report: DoctorReport | undefined,
): PlanEstimate {
  const chosen = chosenRate(requested, report);
  const toRun = items.filter((i) => i.status === "run").length;
  if (!chosen) {
    return {
      perStep: items.map(() => undefined),
      line: `time: no estimate yet (deno task doctor measures this machine's ${
        requested === "auto" ? "executors" : requested
      } once)`,
    };
  }
  const perStep = items.map((i, n) =>
    i.status === "run" ? estimateSeconds(i.step, parameters[n], chosen.rate) : undefined
  );
  const known = perStep.filter((s): s is number => s !== undefined);
  if (!known.length) {
    return {
      perStep,
      line: toRun
        ? "time: no estimate for these steps (the doctor times an image model only)"
        : "time: nothing to run",
    };
  }
  const totalSeconds = known.reduce((a, b) => a + b, 0);
  const missing = toRun - known.length;
  const summary = estimateLine(totalSeconds, chosen) +
    (missing ? ` for ${known.length} of ${toRun} steps` : "");
  const rate = chosen.rate.imagesPerSecond.toFixed(0);
  return {
    perStep,
    totalSeconds,
    summary,
    line: `time: ${summary}, one step at a time; rough: ResNet-8 trains at ` +
      `${rate} images/s here (deno task doctor, ${report!.checkedAt.slice(0, 10)}), scaled by ` +
      "images × epochs × model size",
  };
}
