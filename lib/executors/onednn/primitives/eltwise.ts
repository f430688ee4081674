/**
 * Elementwise (eltwise) plans over flat float32 data: the layout does not matter to an
 * elementwise op, so every tensor is viewed as one dimension of its size.
 *
 * @module
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "../backend.ts";
import { ARG, PROP, TAG } from "../constants.ts";
import type { Primitive } from "../dnnl.ts";

/** An eltwise algorithm with its parameters (`alpha`, `beta` as oneDNN defines them per alg). */
export interface Eltwise {
  alg: number;
  alpha?: number;
  beta?: number;
}

function eltwiseKey(e: Eltwise, n: number): string {
  return `${e.alg}|${e.alpha ?? 0}|${e.beta ?? 0}|${n}`;
}

/** Forward eltwise over `n` floats: run([src, dst]). */
export function eltwiseForward(b: OnednnBackend, e: Eltwise, n: number): Primitive {
  return b.plan(
    `eltwise_fwd|${eltwiseKey(e, n)}`,
    () => forwardPd(b, e, n).prim,
    b.elementwiseThreads(n),
  );
}

function forwardPd(b: OnednnBackend, e: Eltwise, n: number) {
  return b.plan(`eltwise_fwd_pd|${eltwiseKey(e, n)}`, () => {
    const d = b.dnnl;
    const md = d.md([n], TAG.a);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_eltwise_forward_desc_init(
        op,
        PROP.forwardTraining,
        e.alg,
        md.ptr,
        e.alpha ?? 0,
        e.beta ?? 0,
      ),
      "eltwise_forward_desc_init",
    );
    const pd = d.primitiveDesc(op, `eltwise ${e.alg}`);
    return { pd, prim: d.primitive(pd, [[ARG.src, md], [ARG.dst, md]]) };
  }, b.elementwiseThreads(n));
}

/**
 * Backward eltwise over `n` floats: run([diffDst, data, diffSrc]), where `data` is the forward
 * output for `*_use_dst_for_bwd` algorithms and the forward input otherwise.
 */
export function eltwiseBackward(b: OnednnBackend, e: Eltwise, n: number): Primitive {
  return b.plan(`eltwise_bwd|${eltwiseKey(e, n)}`, () => {
    const d = b.dnnl;
    const hint = forwardPd(b, e, n).pd;
    const md = d.md([n], TAG.a);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_eltwise_backward_desc_init(op, e.alg, md.ptr, md.ptr, e.alpha ?? 0, e.beta ?? 0),
      "eltwise_backward_desc_init",
    );
    const pd = d.primitiveDesc(op, `eltwise backward ${e.alg}`, null, hint);
    const dataArg = e.alg >= 256 ? ARG.dst : ARG.src;
    return d.primitive(pd, [[ARG.diffDst, md], [dataArg, md], [ARG.diffSrc, md]]);
  }, b.elementwiseThreads(n));
}

/** Apply `e` to float32 tensor `x` into a new tensor of the same shape. */
export function runEltwise(b: OnednnBackend, e: Eltwise, x: TensorInfo): TensorInfo {
  const n = b.f32(x).length;
  const out = b.alloc(x.shape);
  eltwiseForward(b, e, n).run([b.f32(x), out]);
  return b.output(x.shape.slice(), out);
}

/** The gradient of `e` given dy and the saved forward data (see {@linkcode eltwiseBackward}). */
export function runEltwiseGrad(
  b: OnednnBackend,
  e: Eltwise,
  dy: TensorInfo,
  data: TensorInfo,
): TensorInfo {
  const n = b.f32(dy).length;
  const out = b.alloc(dy.shape);
  eltwiseBackward(b, e, n).run([b.f32(dy), b.f32(data), out]);
  return b.output(dy.shape.slice(), out);
}
