/**
 * Shared fixtures for the loss tests: TensorFlow.js on the cpu executor, small hand-checkable
 * logits, and float64 reference maths to compare the plugins against.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { JsonObject } from "../../../lib/plugin/descriptor.ts";
import type { LossInputs, LossPlugin, TfContext } from "../../../lib/plugin/runtime.ts";

let loaded: Promise<TfContext> | undefined;

/** TensorFlow.js on the cpu backend, loaded once per test module. */
export function cpuContext(): Promise<TfContext> {
  loaded ??= import("../../../lib/executors/cpu/mod.ts").then(async (m) => (await m.load()).ctx);
  return loaded;
}

/** Three examples, four classes: distinct values so every entry is identifiable. */
export const LOGITS: number[][] = [
  [1.0, -0.5, 0.25, 2.0],
  [-1.2, 0.3, 0.9, 0.1],
  [0.5, 0.5, -2.0, 1.5],
];
/** Labels of LOGITS (the second is deliberately not the student's argmax). */
export const LABELS: number[] = [3, 0, 2];
/** Teacher probabilities for LOGITS' rows; rows sum to 1 and have different maxima. */
export const TEACHER: number[][] = [
  [0.1, 0.05, 0.15, 0.7],
  [0.2, 0.3, 0.4, 0.1],
  [0.25, 0.05, 0.6, 0.1],
];

/** Softmax of one row, in float64. */
export function softmax(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** One-hot row. */
export function oneHot(label: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, i) => (i === label ? 1 : 0));
}

/** -sum_i t_i log softmax(z)_i for one row, in float64. */
export function rowCrossEntropy(target: number[], logits: number[]): number {
  const q = softmax(logits);
  return -target.reduce((acc, t, i) => acc + t * Math.log(q[i]), 0);
}

/** Loss inputs from plain arrays. */
export function inputsOf(
  ctx: TfContext,
  options: {
    logits?: number[][];
    labels?: number[];
    teacher?: number[][];
    seed?: number;
    activations?: Record<string, tfc.Tensor>;
    teacherActivations?: Record<string, tfc.Tensor>;
  } = {},
): LossInputs {
  const { tf } = ctx;
  const teacher = options.teacher ?? TEACHER;
  return {
    ctx,
    logits: tf.tensor2d(options.logits ?? LOGITS),
    labels: tf.tensor1d(options.labels ?? LABELS, "int32"),
    teacherProbs: tf.tensor2d(teacher),
    activations: options.activations,
    teacherActivations: options.teacherActivations,
    seed: options.seed ?? 7,
  };
}

/** The loss value and its gradient wrt the logits. */
export function valueAndGrad<P extends JsonObject>(
  plugin: LossPlugin<P>,
  params: P,
  inputs: LossInputs,
): { value: number; grad: number[][] } {
  const { tf } = inputs.ctx;
  const f = (z: tfc.Tensor) => plugin.compute({ ...inputs, logits: z as tfc.Tensor2D }, params);
  const value = f(inputs.logits);
  if (value.rank !== 0) throw new Error(`loss is not a scalar: shape [${value.shape}]`);
  const grad = tf.grad(f)(inputs.logits);
  return { value: value.dataSync()[0], grad: grad.arraySync() as number[][] };
}

/** Assert two nested number arrays agree to `tol` everywhere. */
export function assertAllClose(
  actual: number | number[] | number[][],
  expected: number | number[] | number[][],
  tol = 1e-5,
): void {
  const a = [actual].flat(2);
  const e = [expected].flat(2);
  if (a.length !== e.length) {
    throw new Error(`length ${a.length} != ${e.length}: ${JSON.stringify(actual)}`);
  }
  a.forEach((v, i) => {
    if (!(Math.abs(v - e[i]) <= tol * Math.max(1, Math.abs(e[i])))) {
      throw new Error(
        `entry ${i}: ${v} != ${e[i]}\nactual   ${JSON.stringify(actual)}\nexpected ${
          JSON.stringify(expected)
        }`,
      );
    }
  });
}
