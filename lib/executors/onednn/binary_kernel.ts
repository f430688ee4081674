/**
 * The shape of every binary elementwise kernel on oneDNN's binary primitive. oneDNN broadcasts
 * only its second input, so a broadcast first input is swapped in (commutative ops, and
 * subtraction with a negating post-op); inputs broadcasting both ways, non-float32 data and small
 * outputs run the cpu kernel.
 *
 * @module
 */
import { backend_util, type KernelConfig, type TensorInfo } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "./backend.ts";
import { ALG, ARG, TAG } from "./constants.ts";
import type { PostOp, Primitive } from "./dnnl.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, tooSmall } from "./kernel_util.ts";

const PLAIN_TAGS = [TAG.a, TAG.a, TAG.ab, TAG.abc, TAG.abcd, TAG.abcde, TAG.abcdef];

/** How a binary op may be rearranged when its first input is the broadcast one. */
export type Swap = "commutative" | "negate" | "none";

/** A binary primitive: run([src0, src1, dst]). */
export function binaryPrimitive(
  b: OnednnBackend,
  alg: number,
  dims0: readonly number[],
  dims1: readonly number[],
  negate: boolean,
): Primitive {
  return b.plan(`binary|${alg}|${dims0}|${dims1}|${negate}`, () => {
    const d = b.dnnl;
    const tag = PLAIN_TAGS[dims0.length];
    const src0 = d.md(dims0, tag);
    const src1 = d.md(dims1, tag);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_binary_desc_init(op, alg, src0.ptr, src1.ptr, src0.ptr),
      "binary_desc_init",
      `${dims0} ${dims1}`,
    );
    const post: PostOp[] = negate ? [{ kind: "eltwise", alg: ALG.eltwiseLinear, alpha: -1 }] : [];
    const attr = d.attr(post);
    try {
      const pd = d.primitiveDesc(op, `binary ${alg}`, attr);
      return d.primitive(pd, [[ARG.src, src0], [ARG.src1, src1], [ARG.dst, src0]]);
    } finally {
      d.freeAttr(attr);
    }
  }, b.elementwiseThreads(sizeOf(dims0)));
}

/** `a op b` with broadcasting, or undefined when oneDNN cannot take this pair. */
export function runBinary(
  b: OnednnBackend,
  alg: number,
  swap: Swap,
  a: TensorInfo,
  c: TensorInfo,
): TensorInfo | undefined {
  const outShape = backend_util.assertAndGetBroadcastShape(a.shape, c.shape);
  const n = sizeOf(outShape);
  let first = a, second = c, negate = false;
  if (!sameShape(a.shape, outShape)) {
    if (!sameShape(c.shape, outShape) || swap === "none") return undefined;
    [first, second, negate] = [c, a, swap === "negate"];
  }
  let dims0: number[], dims1: number[];
  if (sameShape(second.shape, outShape)) {
    dims0 = dims1 = [n];
  } else {
    const rank = outShape.length;
    if (rank > 6) return undefined;
    dims0 = outShape.slice();
    dims1 = [...new Array(rank - second.shape.length).fill(1), ...second.shape];
  }
  const out = b.alloc(outShape);
  binaryPrimitive(b, alg, dims0, dims1, negate).run([b.f32(first), b.f32(second), out]);
  return b.output(outShape, out);
}

/** A kernel config for the binary op `alg` with inputs `a`, `b`. */
export function binaryKernel(kernelName: string, alg: number, swap: Swap): KernelConfig {
  return {
    kernelName,
    backendName: "onednn",
    kernelFunc(args) {
      const { a, b } = inputsOf(args);
      if (a.dtype === "float32" && b.dtype === "float32") {
        const big = !tooSmall(args, Math.max(sizeOf(a.shape), sizeOf(b.shape)));
        const out = big ? runBinary(onednn(args), alg, swap, a, b) : undefined;
        if (out) return out;
      }
      return cpuKernel(kernelName, args);
    },
  };
}

function sameShape(x: readonly number[], y: readonly number[]): boolean {
  return x.length === y.length && x.every((d, i) => d === y[i]);
}
