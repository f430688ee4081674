/**
 * Batched matrix products on oneDNN's matmul primitive. Transposed operands are described by
 * strides, so no data moves; a batch of one broadcasts over the other operand's batch; a bias of
 * [N] and an activation can be fused.
 *
 * @module
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "../backend.ts";
import { ARG, TAG } from "../constants.ts";
import type { MemDesc, PostOp, Primitive } from "../dnnl.ts";

/** A matmul problem as tfjs's BatchMatMul states it (operands 3-D). */
export interface MatmulProblem {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

/** Read a problem off 3-D operands, or undefined when the shapes do not multiply. */
export function matmulProblem(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): MatmulProblem | undefined {
  if (a.shape.length !== 3 || b.shape.length !== 3) return undefined;
  const [batchA, a1, a2] = a.shape;
  const [batchB, b1, b2] = b.shape;
  const [m, k] = transposeA ? [a2, a1] : [a1, a2];
  const [k2, n] = transposeB ? [b2, b1] : [b1, b2];
  if (k !== k2 || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return undefined;
  return { batchA, batchB, m, k, n, transposeA, transposeB };
}

/** Multiply-adds of a problem. */
export function matmulWork(p: MatmulProblem): number {
  return Math.max(p.batchA, p.batchB) * p.m * p.n * p.k;
}

/** A matmul primitive: run([a, b, (bias), out]). */
export function matmulPrimitive(
  b: OnednnBackend,
  p: MatmulProblem,
  bias: boolean,
  post: PostOp[],
  postKey: string,
): Primitive {
  const key =
    `matmul|${p.batchA},${p.batchB},${p.m},${p.k},${p.n},${p.transposeA},${p.transposeB}|${bias}|${postKey}`;
  return b.plan(key, () => {
    const d = b.dnnl;
    const { batchA, batchB, m, k, n } = p;
    const src = d.mdStrided(
      [batchA, m, k],
      p.transposeA ? [m * k, 1, m] : [m * k, k, 1],
    );
    const weights = d.mdStrided(
      [batchB, k, n],
      p.transposeB ? [k * n, 1, k] : [k * n, n, 1],
    );
    const dst = d.md([Math.max(batchA, batchB), m, n], TAG.abc);
    const biasMd = bias ? d.md([1, 1, n], TAG.abc) : undefined;
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_matmul_desc_init(op, src.ptr, weights.ptr, biasMd?.ptr ?? null, dst.ptr),
      "matmul_desc_init",
      key,
    );
    const attr = d.attr(post);
    try {
      const pd = d.primitiveDesc(op, `matmul ${key}`, attr);
      const args: Array<[number, MemDesc]> = [[ARG.src, src], [ARG.weights, weights]];
      if (biasMd) args.push([ARG.bias, biasMd]);
      args.push([ARG.dst, dst]);
      return d.primitive(pd, args);
    } finally {
      d.freeAttr(attr);
    }
  }, b.matmulThreads(matmulWork(p)));
}

/** Run a matmul into a new [batch, m, n] tensor. */
export function runMatmul(
  b: OnednnBackend,
  p: MatmulProblem,
  a: TensorInfo,
  w: TensorInfo,
  bias?: TensorInfo,
  post: PostOp[] = [],
  postKey = "",
): TensorInfo {
  const shape = [Math.max(p.batchA, p.batchB), p.m, p.n];
  const out = b.alloc(shape);
  const prim = matmulPrimitive(b, p, bias !== undefined, post, postKey);
  if (bias) prim.run([b.f32(a), b.f32(w), b.f32(bias), out]);
  else prim.run([b.f32(a), b.f32(w), out]);
  return b.output(shape, out);
}
