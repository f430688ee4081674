/**
 * Convolution plans (forward, backward-data, backward-weights) for tfjs's NHWC activations and
 * HWIO filters. Activations stay NHWC (no copies); weights go into the layout oneDNN picks
 * (`format_tag any`), reordered once per weight update and cached on the backend, since NHWC with
 * HWIO weights as they are falls onto oneDNN's slow gemm path. Direct convolution is asked for:
 * `auto` may pick Winograd, measured slower for the narrow layers of CIFAR networks; among the
 * direct implementations oneDNN's first choice is kept, or with `BORN_AGAIN_DNNL_TUNE=1` the
 * fastest measured one (../tune.ts).
 *
 * @module
 */
import type { backend_util, TensorInfo } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "../backend.ts";
import { ALG, ARG, PROP, QUERY, TAG } from "../constants.ts";
import type { Dnnl, MemDesc, PostOp, Primitive } from "../dnnl.ts";
import { fastestPrimitive } from "../tune.ts";

/** oneDNN's view of one tfjs 2-D convolution. */
export interface ConvGeometry {
  src: number[];
  weights: number[];
  dst: number[];
  strides: number[];
  /** oneDNN dilations count inserted zeros: tfjs dilation - 1. */
  dilates: number[];
  padL: number[];
  padR: number[];
  key: string;
}

/**
 * Whether other implementations than oneDNN's first choice may be measured for a geometry. Some
 * (measured: a 1×1 stride-2 convolution) compute wrong results with negative right padding, the
 * geometry where the last input rows are never read; oneDNN's first choice handles it.
 */
function tunable(g: ConvGeometry): boolean {
  return g.padR.every((p) => p >= 0);
}

/** Map a tfjs Conv2DInfo to oneDNN dims; undefined when the layout is not NHWC. */
export function convGeometry(info: backend_util.Conv2DInfo): ConvGeometry | undefined {
  if (info.dataFormat !== "channelsLast") return undefined;
  const { padInfo } = info;
  const padL = [padInfo.top, padInfo.left];
  // Right padding follows from the output size (oneDNN checks out = (in + l + r - k) / s + 1);
  // it is negative when the last input rows are never read.
  const padR = [
    (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight - info.inHeight -
    padL[0],
    (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth - info.inWidth - padL[1],
  ];
  const g = {
    src: [info.batchSize, info.inChannels, info.inHeight, info.inWidth],
    weights: [info.outChannels, info.inChannels, info.filterHeight, info.filterWidth],
    dst: [info.batchSize, info.outChannels, info.outHeight, info.outWidth],
    strides: [info.strideHeight, info.strideWidth],
    dilates: [info.dilationHeight - 1, info.dilationWidth - 1],
    padL,
    padR,
  };
  return { ...g, key: [g.src, g.weights, g.dst, g.strides, g.dilates, g.padL, g.padR].join("|") };
}

/** A primitive that reads weights, with what it takes to hand it weights in its layout. */
export interface WeightedPlan {
  prim: Primitive;
  pd: Deno.PointerValue;
  /** The reorder from HWIO into the primitive's weight layout; absent when HWIO is it. */
  fromHwio?: Primitive;
  /** Floats of the reordered weights. */
  weightFloats: number;
  /** Cache key of the reordered weights. */
  weightsKey: string;
}

/** Forward convolution, optionally with a [OC] bias and fused post-ops (named by `postKey`). */
export function convForward(
  b: OnednnBackend,
  g: ConvGeometry,
  bias: boolean,
  post: PostOp[] = [],
  postKey = "",
): WeightedPlan {
  const key = `conv_fwd|${g.key}|${bias}|${postKey}`;
  return b.plan(key, () => {
    const d = b.dnnl;
    const src = d.md(g.src, TAG.acdb);
    const dst = d.md(g.dst, TAG.acdb);
    const biasMd = bias ? d.md([g.dst[1]], TAG.a) : undefined;
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_dilated_convolution_forward_desc_init(
        op,
        PROP.forwardTraining,
        ALG.convolutionDirect,
        src.ptr,
        d.md(g.weights, TAG.any).ptr,
        biasMd?.ptr ?? null,
        dst.ptr,
        dims(g.strides),
        dims(g.dilates),
        dims(g.padL),
        dims(g.padR),
      ),
      "convolution_forward_desc_init",
      g.key,
    );
    const attr = d.attr(post);
    let prim: Primitive;
    try {
      const pds = d.primitiveDescs(op, `convolution forward ${g.key}`, attr);
      prim = fastestPrimitive(d, pds, (pd) => {
        const args: Array<[number, MemDesc]> = [[ARG.src, src], [
          ARG.weights,
          d.query(pd, QUERY.weightsMd),
        ]];
        if (biasMd) args.push([ARG.bias, biasMd]);
        args.push([ARG.dst, dst]);
        return args;
      }, tunable(g));
    } finally {
      d.freeAttr(attr);
    }
    return weighted(b, prim, d.query(prim.pd, QUERY.weightsMd), g, `${key}|w`);
  });
}

/** Backward-data convolution: dy (NHWC) and weights to dx (NHWC). */
export function convBackwardData(b: OnednnBackend, g: ConvGeometry): WeightedPlan {
  const key = `conv_bwd_data|${g.key}`;
  return b.plan(key, () => {
    const d = b.dnnl;
    const hint = convForward(b, g, false).pd;
    const diffSrc = d.md(g.src, TAG.acdb);
    const diffDst = d.md(g.dst, TAG.acdb);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_dilated_convolution_backward_data_desc_init(
        op,
        ALG.convolutionDirect,
        diffSrc.ptr,
        d.md(g.weights, TAG.any).ptr,
        diffDst.ptr,
        dims(g.strides),
        dims(g.dilates),
        dims(g.padL),
        dims(g.padR),
      ),
      "convolution_backward_data_desc_init",
      g.key,
    );
    const pds = d.primitiveDescs(op, `convolution backward data ${g.key}`, null, hint);
    const prim = fastestPrimitive(d, pds, (pd) => [
      [ARG.diffDst, diffDst],
      [ARG.weights, d.query(pd, QUERY.weightsMd)],
      [ARG.diffSrc, diffSrc],
    ], tunable(g));
    return weighted(b, prim, d.query(prim.pd, QUERY.weightsMd), g, `${key}|w`);
  });
}

/** A backward-weights primitive and the reorder of its weight gradient into HWIO. */
export interface BackwardWeightsPlan {
  prim: Primitive;
  /** Reorder of the gradient into HWIO; absent when it comes out in HWIO. */
  toHwio?: Primitive;
  /** Floats of the gradient in the primitive's layout. */
  diffFloats: number;
}

/** Backward-weights convolution: x and dy (NHWC) to dW (and dBias when `bias`). */
export function convBackwardWeights(
  b: OnednnBackend,
  g: ConvGeometry,
  bias: boolean,
): BackwardWeightsPlan {
  const key = `conv_bwd_weights|${g.key}|${bias}`;
  return b.plan(key, () => {
    const d = b.dnnl;
    const hint = convForward(b, g, bias).pd;
    const src = d.md(g.src, TAG.acdb);
    const diffDst = d.md(g.dst, TAG.acdb);
    const diffBias = bias ? d.md([g.dst[1]], TAG.a) : undefined;
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_dilated_convolution_backward_weights_desc_init(
        op,
        ALG.convolutionDirect,
        src.ptr,
        d.md(g.weights, TAG.any).ptr,
        diffBias?.ptr ?? null,
        diffDst.ptr,
        dims(g.strides),
        dims(g.dilates),
        dims(g.padL),
        dims(g.padR),
      ),
      "convolution_backward_weights_desc_init",
      g.key,
    );
    const pds = d.primitiveDescs(op, `convolution backward weights ${g.key}`, null, hint);
    const prim = fastestPrimitive(d, pds, (pd) => {
      const args: Array<[number, MemDesc]> = [[ARG.src, src], [ARG.diffDst, diffDst], [
        ARG.diffWeights,
        d.query(pd, QUERY.diffWeightsMd),
      ]];
      if (diffBias) args.push([ARG.diffBias, diffBias]);
      return args;
    }, tunable(g));
    const dw = d.query(prim.pd, QUERY.diffWeightsMd);
    const hwio = d.md(g.weights, TAG.cdba);
    return {
      prim,
      toHwio: d.mdEqual(dw, hwio) ? undefined : reorder(d, dw, hwio),
      diffFloats: d.mdBytes(dw) / 4,
    };
  });
}

/**
 * A filter's data in the layout a plan wants: the HWIO data itself when they match, else a
 * reordered copy cached until the filter's data is disposed.
 */
export function filterFor(b: OnednnBackend, filter: TensorInfo, plan: WeightedPlan): Float32Array {
  const data = b.f32(filter);
  const fromHwio = plan.fromHwio;
  if (!fromHwio) return data;
  return b.reordered(filter, plan.weightsKey, () => {
    const out = b.pool.take(plan.weightFloats);
    fromHwio.run([data, out]);
    return out;
  });
}

function weighted(
  b: OnednnBackend,
  prim: Primitive,
  w: MemDesc,
  g: ConvGeometry,
  weightsKey: string,
): WeightedPlan {
  const d = b.dnnl;
  const hwio = d.md(g.weights, TAG.cdba);
  return {
    prim,
    pd: prim.pd,
    fromHwio: d.mdEqual(w, hwio) ? undefined : reorder(d, hwio, w),
    weightFloats: d.mdBytes(w) / 4,
    weightsKey,
  };
}

/** A reorder primitive between two layouts of the same tensor. */
export function reorder(d: Dnnl, from: MemDesc, to: MemDesc): Primitive {
  return d.primitive(d.reorderDesc(from, to), [[ARG.src, from], [ARG.dst, to]]);
}

/** A 12-slot dims array, as the C API's `dnnl_dims_t`. */
export function dims(values: readonly number[]): BigInt64Array {
  const out = new BigInt64Array(12);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
}

/** Fused activations a convolution or matmul can apply as a oneDNN post-op. */
export function activationPostOps(
  activation: string | undefined,
  leakyreluAlpha = 0.2,
): PostOp[] | undefined {
  switch (activation ?? "linear") {
    case "linear":
      return [];
    case "relu":
      return [{ kind: "eltwise", alg: ALG.eltwiseRelu }];
    case "leakyrelu":
      return [{ kind: "eltwise", alg: ALG.eltwiseRelu, alpha: leakyreluAlpha }];
    case "sigmoid":
      return [{ kind: "eltwise", alg: ALG.eltwiseLogistic }];
    default:
      return undefined;
  }
}

/** Run a forward convolution of NHWC `x` with HWIO `filter` (and `bias`) into a new tensor. */
export function runConvForward(
  b: OnednnBackend,
  g: ConvGeometry,
  outShape: number[],
  x: TensorInfo,
  filter: TensorInfo,
  bias?: TensorInfo,
  post: PostOp[] = [],
  postKey = "",
): TensorInfo {
  const plan = convForward(b, g, bias !== undefined, post, postKey);
  const w = filterFor(b, filter, plan);
  const out = b.alloc(outShape);
  if (bias) plan.prim.run([b.f32(x), w, b.f32(bias), out]);
  else plan.prim.run([b.f32(x), w, out]);
  return b.output(outShape, out);
}
