/**
 * OpenMP's thread count per primitive. Every oneDNN call on more than one thread opens an OpenMP
 * parallel region: waking the other threads and joining them costs microseconds on idle cores and
 * up to a scheduler time slice on cores shared with other work, more than small elementwise ops
 * and matmuls take on one thread. So each primitive runs on a thread count chosen for its size.
 *
 * The count is fixed when a primitive is created and set again before each run: some oneDNN
 * kernels size their per-thread scratch and split their work by the thread count in effect at
 * creation, so running one under another count would be unsafe. Setting the count is one FFI call
 * into libgomp (the OpenMP runtime Debian's libdnnl links), made only when it changes.
 *
 * @module
 */

/** How the OpenMP thread count is read and set (libgomp's functions, or a fixed count). */
export interface OpenmpApi {
  get(): number;
  set?(n: number): void;
}

/** The OpenMP thread count oneDNN runs under, switched per primitive. */
export class OpenmpThreads {
  /** Threads the library runs on when nothing asks for fewer. */
  readonly max: number;
  #current: number;
  readonly #set?: (n: number) => void;

  constructor(api: OpenmpApi) {
    this.max = Math.max(1, api.get());
    this.#current = this.max;
    this.#set = api.set;
  }

  /** The count in effect now. */
  get current(): number {
    return this.#current;
  }

  /** Whether counts other than {@linkcode max} can be set (libgomp was found). */
  get adjustable(): boolean {
    return this.#set !== undefined;
  }

  /** A count clamped to what can be set: 1..max, or max when the count cannot be changed. */
  clamp(n: number): number {
    if (!this.#set) return this.max;
    return Math.min(this.max, Math.max(1, Math.floor(n)));
  }

  /** Make `n` (clamped) the count in effect. */
  use(n: number): void {
    if (n === this.#current || !this.#set) return;
    this.#set(n);
    this.#current = n;
  }

  /** Run `f` with `n` threads in effect (primitives created inside keep that count). */
  with<T>(n: number, f: () => T): T {
    const before = this.#current;
    this.use(this.clamp(n));
    try {
      return f();
    } finally {
      this.use(before);
    }
  }
}

/** A fixed count (no OpenMP runtime to steer). */
export function fixedThreads(n: number): OpenmpThreads {
  return new OpenmpThreads({ get: () => n });
}
