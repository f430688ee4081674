/**
 * A pool of Float32Array buffers by length. Allocating a fresh multi-megabyte array per op costs
 * more than the op itself (a zero-filled allocation and later garbage collection), so outputs are
 * taken from here and given back when tfjs disposes the last tensor that uses them.
 *
 * Safety: a buffer goes back to the free list only when no stored tensor data references its
 * memory. Uses are counted per ArrayBuffer, so subarray views that the cpu kernels create (a
 * contiguous Slice, Unpack) keep their parent buffer out of the pool until they too are disposed.
 * Arrays the pool did not allocate (user data, cpu-kernel outputs) are never pooled.
 *
 * @module
 */

interface Owned {
  array: Float32Array;
  /** Stored tensor data entries referencing this memory. */
  uses: number;
  /** In a free list now. */
  free: boolean;
}

/** Default ceiling on bytes held in free lists. */
export const POOL_LIMIT_BYTES = 1 << 30;

/** Float32Array free lists keyed by length. */
export class BufferPool {
  #free = new Map<number, Float32Array[]>();
  #owned = new WeakMap<ArrayBufferLike, Owned>();
  #freeBytes = 0;

  constructor(readonly limitBytes: number = POOL_LIMIT_BYTES) {}

  /** A buffer of `length` floats with unspecified contents. */
  take(length: number): Float32Array {
    const list = this.#free.get(length);
    const reused = list?.pop();
    if (reused) {
      this.#freeBytes -= reused.byteLength;
      this.#owned.get(reused.buffer)!.free = false;
      return reused;
    }
    const array = new Float32Array(length);
    this.#owned.set(array.buffer, { array, uses: 0, free: false });
    return array;
  }

  /** A zero-filled buffer of `length` floats. */
  zeros(length: number): Float32Array {
    return this.take(length).fill(0);
  }

  /** Give back a buffer taken with {@linkcode take} that was never stored in tensor data. */
  give(array: Float32Array): void {
    const owned = this.#owned.get(array.buffer);
    if (owned && owned.array === array && owned.uses === 0) this.#push(owned);
  }

  /** Note that tensor data now references `values` (called by the backend's `write`). */
  stored(values: unknown): void {
    const owned = this.#ownerOf(values);
    if (owned) owned.uses++;
  }

  /** Note that a tensor data entry referencing `values` was deleted. */
  released(values: unknown): void {
    const owned = this.#ownerOf(values);
    if (!owned) return;
    owned.uses--;
    if (owned.uses === 0) this.#push(owned);
  }

  /** Whether `values` lies in a pooled buffer (and so must be copied before leaving the backend). */
  owns(values: unknown): boolean {
    return this.#ownerOf(values) !== undefined;
  }

  /** Bytes currently held in free lists. */
  get freeBytes(): number {
    return this.#freeBytes;
  }

  /** Drop every free buffer. */
  clear(): void {
    this.#free.clear();
    this.#freeBytes = 0;
  }

  #ownerOf(values: unknown): Owned | undefined {
    if (!ArrayBuffer.isView(values)) return undefined;
    return this.#owned.get(values.buffer);
  }

  #push(owned: Owned): void {
    const array = owned.array;
    if (owned.free || this.#freeBytes + array.byteLength > this.limitBytes) return;
    owned.free = true;
    let list = this.#free.get(array.length);
    if (!list) this.#free.set(array.length, list = []);
    list.push(array);
    this.#freeBytes += array.byteLength;
  }
}
