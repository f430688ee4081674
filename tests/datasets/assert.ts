/** Minimal assertions (JSR's std is out of reach here); node:assert does the comparing. @module */
import nodeAssert from "node:assert/strict";

/** Assert `cond` is truthy. */
export function assert(cond: unknown, message?: string): asserts cond {
  nodeAssert.ok(cond, message ?? "assertion failed");
}

/** Deep, strict equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message ?? "values differ");
}

/** Deep inequality. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message ?? "values are equal");
}

/** `text` matches `re`. */
export function assertMatch(text: string, re: RegExp): void {
  nodeAssert.match(text, re);
}

/** `fn` rejects with an instance of `type`; returns the error. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: any[]) => E,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw new Error(`Expected ${type.name}, got ${e}`, { cause: e });
  }
  throw new Error(`Expected ${type.name} to be thrown, but nothing was`);
}

/** `fn` throws an instance of `type`; returns the error. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  type: new (...args: any[]) => E,
): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw new Error(`Expected ${type.name}, got ${e}`, { cause: e });
  }
  throw new Error(`Expected ${type.name} to be thrown, but nothing was`);
}
