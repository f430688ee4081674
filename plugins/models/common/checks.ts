/**
 * Param checks shared by the model plugins: each returns problems naming the field and the bad
 * value, in the form `validate` expects.
 *
 * @module
 */

/** `field must be a positive integer: got X` unless `value` is one. */
export function positiveInt(field: string, value: unknown): string[] {
  return Number.isInteger(value) && (value as number) > 0
    ? []
    : [`${field} must be a positive integer: got ${JSON.stringify(value)}`];
}

/** `field must be in [lo, hi): got X` unless `value` is a number in the range. */
export function inRange(field: string, value: unknown, lo: number, hi: number): string[] {
  return typeof value === "number" && value >= lo && value < hi
    ? []
    : [`${field} must be in [${lo}, ${hi}): got ${JSON.stringify(value)}`];
}

/** `field must be one of a, b: got X` unless `value` is one of `allowed`. */
export function oneOf(field: string, value: unknown, allowed: readonly unknown[]): string[] {
  return allowed.includes(value) ? [] : [
    `${field} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}: got ${
      JSON.stringify(value)
    }`,
  ];
}

/** `field must be a non-empty list of positive integers: got X` unless it is one. */
export function positiveIntList(field: string, value: unknown): string[] {
  return Array.isArray(value) && value.length > 0 &&
      value.every((v) => Number.isInteger(v) && v > 0)
    ? []
    : [`${field} must be a non-empty list of positive integers: got ${JSON.stringify(value)}`];
}
