/**
 * Convolution plans (forward, backward-data, backward-weights) for tfjs's NHWC activations and
 * HWIO filters. Activations stay NHWC (no copies); weights go into the layout oneDNN picks
 * (`format_tag any`), reordered once per weight update and cached on the backend, since NHWC with
 * HWIO weights as they are falls onto oneDNN's slow gemm path. Direct convolution is asked for:
 * `auto` may pick Winograd, measured slower for the narrow layers of CIFAR networks.
 *
 * @module
 */
import type { backend_util, TensorInfo } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "./backend.ts";
import { ALG, ARG, PROP, QUERY, TAG } from "./constants.ts";
import type { Dnnl, MemDesc, PostOp, Primitive } from "./dnnl.ts";

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

/** Weight layouts tried in order: oneDNN's choice, then HWIO as stored, skipping reference impls. */
const WEIGHT_TAGS = [TAG.any, TAG.cdba];

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
    const attr = d.attr(post);
    let pd: Deno.PointerValue;
    try {
      pd = firstNonReference(d, (wtag) => {
        const op = d.opDesc();
        d.check(
          d.lib.dnnl_dilated_convolution_forward_desc_init(
            op,
            PROP.forwardTraining,
            ALG.convolutionDirect,
            src.ptr,
            d.md(g.weights, wtag).ptr,
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
        return d.primitiveDesc(op, `convolution forward ${g.key}`, attr);
      });
    } finally {
      d.freeAttr(attr);
    }
    const w = d.query(pd, QUERY.weightsMd);
    const args: Array<[number, MemDesc]> = [[ARG.src, src], [ARG.weights, w]];
    if (biasMd) args.push([ARG.bias, biasMd]);
    args.push([ARG.dst, dst]);
    return weighted(b, d.primitive(pd, args), w, g, `${key}|w`);
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
    const pd = firstNonReference(d, (wtag) => {
      const op = d.opDesc();
      d.check(
        d.lib.dnnl_dilated_convolution_backward_data_desc_init(
          op,
          ALG.convolutionDirect,
          diffSrc.ptr,
          d.md(g.weights, wtag).ptr,
          diffDst.ptr,
          dims(g.strides),
          dims(g.dilates),
          dims(g.padL),
          dims(g.padR),
        ),
        "convolution_backward_data_desc_init",
        g.key,
      );
      return d.primitiveDesc(op, `convolution backward data ${g.key}`, null, hint);
    });
    const w = d.query(pd, QUERY.weightsMd);
    const prim = d.primitive(pd, [[ARG.diffDst, diffDst], [ARG.weights, w], [
      ARG.diffSrc,
      diffSrc,
    ]]);
    return weighted(b, prim, w, g, `${key}|w`);
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
    const pd = firstNonReference(d, (wtag) => {
      const op = d.opDesc();
      d.check(
        d.lib.dnnl_dilated_convolution_backward_weights_desc_init(
          op,
          ALG.convolutionDirect,
          src.ptr,
          d.md(g.weights, wtag).ptr,
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
      return d.primitiveDesc(op, `convolution backward weights ${g.key}`, null, hint);
    });
    const dw = d.query(pd, QUERY.diffWeightsMd);
    const args: Array<[number, MemDesc]> = [[ARG.src, src], [ARG.diffDst, diffDst], [
      ARG.diffWeights,
      dw,
    ]];
    if (diffBias) args.push([ARG.diffBias, diffBias]);
    const hwio = d.md(g.weights, TAG.cdba);
    return {
      prim: d.primitive(pd, args),
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

/**
 * Create a primitive descriptor with each weight tag in turn, keeping the first whose
 * implementation is not oneDNN's reference kernel (orders of magnitude slower).
 */
function firstNonReference(d: Dnnl, create: (weightTag: number) => Deno.PointerValue) {
  let fallback: Deno.PointerValue = null;
  for (const tag of WEIGHT_TAGS) {
    const pd = create(tag);
    if (!d.implName(pd).startsWith("ref")) {
      if (fallback) d.lib.dnnl_primitive_desc_destroy(fallback);
      return pd;
    }
    if (fallback) d.lib.dnnl_primitive_desc_destroy(pd);
    else fallback = pd;
  }
  return fallback;
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
