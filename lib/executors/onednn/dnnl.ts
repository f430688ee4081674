/**
 * A thin, typed layer over the oneDNN 2.x C API: one engine and stream, memory descriptors,
 * primitive creation with named errors, and {@linkcode Primitive}, a created primitive with its
 * memory objects bound once so that running it is a handful of FFI calls.
 *
 * @module
 */
import { DT, ENGINE_CPU, QUERY, STATUS_NAMES, STREAM_DEFAULT, TAG } from "./constants.ts";
import { DESC_BYTES, type DnnlSymbols, MD_BYTES } from "./symbols.ts";
import { fixedThreads, type OpenmpThreads } from "./threads.ts";

type Ptr = Deno.PointerValue;

/** A memory descriptor: either one we built (kept alive by `bytes`) or one a primitive owns. */
export interface MemDesc {
  ptr: Ptr;
  /** The struct's storage when built here; absent for descriptors queried from a primitive. */
  bytes?: Uint8Array;
}

/** Data a primitive argument is bound to at run time. */
export type ArgData = Float32Array | Int32Array | Uint8Array;

/** The oneDNN library with one CPU engine and one in-order stream. */
export class Dnnl {
  /** Primitive executions so far (tests check that a kernel really ran on oneDNN). */
  runs = 0;
  readonly engine: Ptr;
  readonly stream: Ptr;
  #out = new BigUint64Array(1);
  /**
   * Every descriptor built here, kept for the life of the library: oneDNN receives them as raw
   * pointers, which do not keep a buffer alive, and they are only built when a plan is created.
   */
  #keep: Uint8Array[] = [];

  /**
   * @param threads the OpenMP thread count, switched per primitive (a primitive runs on the count
   * in effect when it was created).
   */
  constructor(
    readonly lib: DnnlSymbols,
    readonly threads: OpenmpThreads = fixedThreads(navigator.hardwareConcurrency),
  ) {
    this.check(lib.dnnl_engine_create(this.#out, ENGINE_CPU, 0n), "dnnl_engine_create");
    this.engine = this.#take();
    this.check(
      lib.dnnl_stream_create(this.#out, this.engine, STREAM_DEFAULT),
      "dnnl_stream_create",
    );
    this.stream = this.#take();
  }

  #take(): Ptr {
    return Deno.UnsafePointer.create(this.#out[0]);
  }

  /** Throw a named error unless `status` is success. */
  check(status: number, what: string, context = ""): void {
    if (status === 0) return;
    const name = STATUS_NAMES[status] ?? `status ${status}`;
    throw new Error(`oneDNN ${what} failed: ${name}${context ? ` (${context})` : ""}`);
  }

  /** A float32 memory descriptor of `dims` (oneDNN's logical order) in layout `tag`. */
  md(dims: readonly number[], tag: number = TAG.any, dtype: number = DT.f32): MemDesc {
    const bytes = new Uint8Array(MD_BYTES);
    const status = this.lib.dnnl_memory_desc_init_by_tag(
      bytes,
      dims.length,
      dimsArray(dims),
      dtype,
      tag,
    );
    this.check(status, "dnnl_memory_desc_init_by_tag", `dims ${dims}, tag ${tag}`);
    this.#keep.push(bytes);
    return { ptr: Deno.UnsafePointer.of(bytes), bytes };
  }

  /** A float32 memory descriptor of `dims` with explicit element strides. */
  mdStrided(dims: readonly number[], strides: readonly number[], dtype: number = DT.f32): MemDesc {
    const bytes = new Uint8Array(MD_BYTES);
    const status = this.lib.dnnl_memory_desc_init_by_strides(
      bytes,
      dims.length,
      dimsArray(dims),
      dtype,
      dimsArray(strides),
    );
    this.check(status, "dnnl_memory_desc_init_by_strides", `dims ${dims}, strides ${strides}`);
    this.#keep.push(bytes);
    return { ptr: Deno.UnsafePointer.of(bytes), bytes };
  }

  /** Whether two memory descriptors describe the same layout. */
  mdEqual(a: MemDesc, b: MemDesc): boolean {
    return this.lib.dnnl_memory_desc_equal(a.ptr, b.ptr) === 1;
  }

  /** Bytes a memory descriptor's data takes (blocked layouts may pad). */
  mdBytes(md: MemDesc): number {
    return Number(this.lib.dnnl_memory_desc_get_size(md.ptr));
  }

  /** A fresh, zeroed operation-descriptor struct for a `*_desc_init` call to fill. */
  opDesc(): Uint8Array {
    return new Uint8Array(DESC_BYTES);
  }

  /** Create a primitive descriptor from a filled operation descriptor. */
  primitiveDesc(op: Uint8Array, what: string, attr: Ptr = null, hint: Ptr = null): Ptr {
    const status = this.lib.dnnl_primitive_desc_create(
      this.#out,
      op,
      attr,
      this.engine,
      hint,
    );
    this.check(status, "dnnl_primitive_desc_create", what);
    return this.#take();
  }

  /**
   * Every implementation oneDNN offers for an operation, best-ranked first (each a primitive
   * descriptor the caller owns).
   */
  primitiveDescs(op: Uint8Array, what: string, attr: Ptr = null, hint: Ptr = null): Ptr[] {
    const lib = this.lib;
    const status = lib.dnnl_primitive_desc_iterator_create(this.#out, op, attr, this.engine, hint);
    this.check(status, "dnnl_primitive_desc_iterator_create", what);
    const iterator = this.#take();
    const out: Ptr[] = [];
    try {
      do {
        const pd = lib.dnnl_primitive_desc_iterator_fetch(iterator);
        if (pd) out.push(pd);
      } while (lib.dnnl_primitive_desc_iterator_next(iterator) === 0);
    } finally {
      lib.dnnl_primitive_desc_iterator_destroy(iterator);
    }
    if (out.length === 0) throw new Error(`oneDNN has no implementation for ${what}`);
    return out;
  }

  /** A reorder primitive descriptor between two layouts of the same tensor. */
  reorderDesc(src: MemDesc, dst: MemDesc): Ptr {
    const status = this.lib.dnnl_reorder_primitive_desc_create(
      this.#out,
      src.ptr,
      this.engine,
      dst.ptr,
      this.engine,
      null,
    );
    this.check(status, "dnnl_reorder_primitive_desc_create");
    return this.#take();
  }

  /** A memory descriptor a primitive descriptor chose or needs (null pointer when none). */
  query(pd: Ptr, what: number, index = 0): MemDesc {
    return { ptr: this.lib.dnnl_primitive_desc_query_md(pd, what, index) };
  }

  /** The implementation oneDNN picked for a primitive descriptor (e.g. "brgconv:avx512_core"). */
  implName(pd: Ptr): string {
    const out = new BigUint64Array(1);
    this.check(
      this.lib.dnnl_primitive_desc_query(pd, QUERY.implInfoStr, 0, out),
      "dnnl_primitive_desc_query",
    );
    const p = Deno.UnsafePointer.create(out[0]);
    return p ? new Deno.UnsafePointerView(p).getCString() : "";
  }

  /** Primitive attributes with optional post-ops; `null` when none are asked for. */
  attr(postOps: PostOp[]): Ptr {
    if (postOps.length === 0) return null;
    this.check(this.lib.dnnl_primitive_attr_create(this.#out), "dnnl_primitive_attr_create");
    const attr = this.#take();
    this.check(this.lib.dnnl_post_ops_create(this.#out), "dnnl_post_ops_create");
    const ops = this.#take();
    for (const op of postOps) {
      if (op.kind === "eltwise") {
        this.check(
          this.lib.dnnl_post_ops_append_eltwise(ops, 1, op.alg, op.alpha ?? 0, op.beta ?? 0),
          "dnnl_post_ops_append_eltwise",
        );
      } else {
        this.check(
          this.lib.dnnl_post_ops_append_binary(ops, op.alg, op.src1.ptr),
          "dnnl_post_ops_append_binary",
        );
      }
    }
    this.check(this.lib.dnnl_primitive_attr_set_post_ops(attr, ops), "set_post_ops");
    this.lib.dnnl_post_ops_destroy(ops);
    return attr;
  }

  /** Release primitive attributes made by {@linkcode attr}. */
  freeAttr(attr: Ptr): void {
    if (attr) this.lib.dnnl_primitive_attr_destroy(attr);
  }

  /**
   * Create a primitive from its descriptor and bind one memory object per argument. `args` lists
   * (argument index, descriptor) in the order {@linkcode Primitive.run} will receive data.
   */
  primitive(pd: Ptr, args: Array<[number, MemDesc]>, name = ""): Primitive {
    this.check(this.lib.dnnl_primitive_create(this.#out, pd), "dnnl_primitive_create", name);
    const prim = this.#take();
    return new Primitive(this, prim, pd, args, this.implName(pd));
  }

  /** Create an unbound memory object for `md`. */
  memory(md: MemDesc): Ptr {
    this.check(
      this.lib.dnnl_memory_create(this.#out, md.ptr, this.engine, null),
      "dnnl_memory_create",
    );
    return this.#take();
  }
}

/** A post-operation fused into a primitive. */
export type PostOp =
  | { kind: "eltwise"; alg: number; alpha?: number; beta?: number }
  | { kind: "binary"; alg: number; src1: MemDesc };

/** A created primitive with bound memory objects. */
export class Primitive {
  readonly #mems: Ptr[] = [];
  readonly #args: BigUint64Array;
  readonly #nargs: number;
  readonly #lib: DnnlSymbols;
  readonly #stream: Ptr;
  readonly #dnnl: Dnnl;
  /** Bytes of each argument's data, for callers that size buffers. */
  readonly bytes: number[] = [];
  /** OpenMP threads it was created for and runs on. */
  readonly threads: number;

  constructor(
    dnnl: Dnnl,
    readonly prim: Ptr,
    readonly pd: Ptr,
    args: Array<[number, MemDesc]>,
    readonly impl: string,
  ) {
    this.#dnnl = dnnl;
    this.#lib = dnnl.lib;
    this.#stream = dnnl.stream;
    this.threads = dnnl.threads.current;
    // The scratchpad stays library-managed (oneDNN's default), so only the caller's arguments
    // are bound.
    this.#nargs = args.length;
    this.#args = new BigUint64Array(2 * args.length);
    const index = new Int32Array(this.#args.buffer);
    for (const [i, [arg, md]] of args.entries()) {
      const mem = dnnl.memory(md);
      this.#mems.push(mem);
      this.bytes.push(md.ptr ? dnnl.mdBytes(md) : 0);
      index[4 * i] = arg;
      this.#args[2 * i + 1] = BigInt(Deno.UnsafePointer.value(mem));
    }
  }

  /**
   * Run with `data[i]` bound to the i-th argument given at creation. The caller keeps every
   * buffer referenced until this returns (the call is blocking, so a local reference suffices).
   */
  run(data: ArrayLike<ArgData>): void {
    const lib = this.#lib;
    const n = data.length;
    for (let i = 0; i < n; i++) lib.dnnl_memory_set_data_handle(this.#mems[i], data[i]);
    this.#dnnl.threads.use(this.threads);
    const status = lib.dnnl_primitive_execute(this.prim, this.#stream, this.#nargs, this.#args);
    this.#dnnl.runs++;
    if (status !== 0) {
      throw new Error(`oneDNN primitive ${this.impl} failed: ${STATUS_NAMES[status] ?? status}`);
    }
  }

  /** Destroy the primitive, its descriptor and memory objects. */
  destroy(): void {
    for (const mem of this.#mems) this.#lib.dnnl_memory_destroy(mem);
    this.#lib.dnnl_primitive_destroy(this.prim);
    this.#lib.dnnl_primitive_desc_destroy(this.pd);
  }
}

function dimsArray(dims: readonly number[]): BigInt64Array {
  const out = new BigInt64Array(12);
  for (let i = 0; i < dims.length; i++) out[i] = BigInt(dims[i]);
  return out;
}
