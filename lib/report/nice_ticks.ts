/** Axis ticks at round numbers (1, 2, 2.5, 5 × 10^k). @module */

/** Ticks covering [min, max] and the number of decimals that prints them exactly. */
export interface Ticks {
  values: number[];
  decimals: number;
}

/**
 * About `count` ticks at round steps whose range covers `[min, max]`; the first and last tick
 * become the axis ends. `integer` keeps the step at 1 or more (epochs).
 *
 * @example
 * ```ts
 * niceTicks(0.3, 9.6, 5).values; // [0, 2, 4, 6, 8, 10]
 * ```
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { values: [0, 1], decimals: 0 };
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(count, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step + 1e-9) * step;
  const last = Math.ceil(max / step - 1e-9) * step;
  const n = Math.round((last - first) / step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / mag === 2.5 ? 1 : 0));
  const values = Array.from({ length: n + 1 }, (_, i) => Number((first + i * step).toFixed(10)));
  return { values, decimals: integer ? 0 : decimals };
}
