/** Mean and spread over seed replicates. @module */

/** Summary of one metric over the replicates that have it. */
export interface Stats {
  mean: number;
  /** Sample standard deviation (n − 1); absent with fewer than two values. */
  sd?: number;
  n: number;
  values: number[];
}

/**
 * Mean and sample standard deviation of `values`, or undefined when there are none. The sample
 * (n − 1) form is used because seeds are a small sample of the run-to-run spread.
 *
 * @example
 * ```ts
 * summarise([1, 3]); // { mean: 2, sd: 1.414…, n: 2, values: [1, 3] }
 * ```
 */
export function summarise(values: number[]): Stats | undefined {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return undefined;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return { mean, n: 1, values: v };
  const ss = v.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (v.length - 1)), n: v.length, values: v };
}
