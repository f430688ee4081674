/**
 * Which tensor data a kernel has produced as non-negative (the output of a batch norm with a
 * fused ReLU), keyed by data id: the ReLU that follows is then the identity, and so is its
 * gradient, since that batch norm's backward applies the ReLU mask itself. Data ids are never
 * reused, so a weak set suffices.
 *
 * @module
 */

const nonNegative = new WeakSet<object>();

/** Record that the data behind `dataId` holds no negative values. */
export function markNonNegative(dataId: object): void {
  nonNegative.add(dataId);
}

/** Whether the data behind `dataId` was produced non-negative by a fused ReLU. */
export function isNonNegative(dataId: object): boolean {
  return nonNegative.has(dataId);
}
