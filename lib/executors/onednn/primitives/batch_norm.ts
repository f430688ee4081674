/**
 * Batch-normalisation plans over channel-last data, always shown to oneDNN as 4-D NHWC: other
 * ranks become [rest, C, 1, 1] (statistics are per channel over every other axis either way), as
 * 2-D `nc` data gets oneDNN's generic kernel, about ten times slower. Scale and shift are
 * separate [C] arguments (oneDNN 2.3+ `use_scale`/`use_shift`).
 *
 * @module
 */
import type { OnednnBackend } from "../backend.ts";
import { ARG, BN_FLAG, PROP, QUERY, TAG } from "../constants.ts";
import type { MemDesc, Primitive } from "../dnnl.ts";

/** How a channel-last tensor is shown to oneDNN's batch normalisation. */
export interface BnShape {
  dims: number[];
  tag: number;
  channels: number;
  key: string;
}

/** The oneDNN view of a channel-last tensor of `shape`. */
export function bnShape(shape: readonly number[]): BnShape {
  const channels = shape[shape.length - 1];
  if (shape.length === 4) {
    const [n, h, w] = shape;
    return { dims: [n, channels, h, w], tag: TAG.acdb, channels, key: `${shape}` };
  }
  const rows = shape.slice(0, -1).reduce((a, d) => a * d, 1);
  return { dims: [rows, channels, 1, 1], tag: TAG.acdb, channels, key: `${rows},${channels}` };
}

/** Which of scale and shift are given, and whether a ReLU follows (fused, training only). */
export interface BnAffine {
  scale: boolean;
  shift: boolean;
  /** Apply ReLU to the output; the backward then reads the forward's workspace (a mask). */
  relu?: boolean;
}

function flagsOf(affine: BnAffine, globalStats: boolean): number {
  return (affine.scale ? BN_FLAG.useScale : 0) | (affine.shift ? BN_FLAG.useShift : 0) |
    (globalStats ? BN_FLAG.useGlobalStats : 0) | (affine.relu ? BN_FLAG.fuseNormRelu : 0);
}

function affineKey(a: BnAffine): string {
  return `${a.scale ? "s" : ""}${a.shift ? "h" : ""}${a.relu ? "r" : ""}`;
}

function forwardPd(
  b: OnednnBackend,
  s: BnShape,
  eps: number,
  affine: BnAffine,
  training: boolean,
): { pd: Deno.PointerValue; data: MemDesc; stat: MemDesc; ws: MemDesc; wsFloats: number } {
  const key = `bn_fwd_pd|${s.key}|${eps}|${affineKey(affine)}|${training}`;
  return b.plan(key, () => {
    const d = b.dnnl;
    const data = d.md(s.dims, s.tag);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_batch_normalization_forward_desc_init(
        op,
        training ? PROP.forwardTraining : PROP.forwardInference,
        data.ptr,
        eps,
        flagsOf(affine, !training),
      ),
      "batch_normalization_forward_desc_init",
      s.key,
    );
    const pd = d.primitiveDesc(op, `batch normalization forward ${s.key}`);
    const ws = d.query(pd, QUERY.workspaceMd);
    return {
      pd,
      data,
      stat: d.md([s.channels], TAG.a),
      ws,
      wsFloats: ws.ptr ? Math.ceil(d.mdBytes(ws) / 4) : 0,
    };
  });
}

/**
 * Whether oneDNN has a fast (JIT) kernel for a training batch norm of this shape with the ReLU
 * fused. oneDNN 2.6 serves a fused ReLU over channel counts that are not a multiple of 8
 * (DenseNet's 36, 60, 84, …) only with its generic `nspc_bnorm:any`, which measured 10–20x slower
 * than its JIT kernels for the same shape without the ReLU; such shapes take the ReLU as a
 * separate eltwise op instead.
 */
export function fusedReluIsFast(b: OnednnBackend, s: BnShape, eps: number): boolean {
  return b.plan(`bn_relu_fast|${s.key}|${eps}`, () => {
    const { pd } = forwardPd(b, s, eps, { scale: true, shift: true, relu: true }, true);
    return b.dnnl.implName(pd).includes("jit");
  });
}

/**
 * Training-mode forward: batch statistics out (and, with `relu`, the ReLU mask workspace of
 * `wsFloats` floats). run([src, (scale), (shift), dst, mean, variance, (workspace)]).
 */
export function bnForwardTraining(
  b: OnednnBackend,
  s: BnShape,
  eps: number,
  affine: BnAffine,
): { prim: Primitive; wsFloats: number } {
  return b.plan(`bn_fwd_train|${s.key}|${eps}|${affineKey(affine)}`, () => {
    const { pd, data, stat, ws, wsFloats } = forwardPd(b, s, eps, affine, true);
    const args: Array<[number, MemDesc]> = [[ARG.src, data]];
    if (affine.scale) args.push([ARG.scale, stat]);
    if (affine.shift) args.push([ARG.shift, stat]);
    args.push([ARG.dst, data], [ARG.mean, stat], [ARG.variance, stat]);
    if (affine.relu) args.push([ARG.workspace, ws]);
    return { prim: b.dnnl.primitive(pd, args), wsFloats };
  });
}

/**
 * Inference-mode forward with given statistics.
 * run([src, mean, variance, (scale), (shift), dst]).
 */
export function bnForwardInference(
  b: OnednnBackend,
  s: BnShape,
  eps: number,
  affine: BnAffine,
): Primitive {
  return b.plan(`bn_fwd_infer|${s.key}|${eps}|${affineKey(affine)}`, () => {
    const { pd, data, stat } = forwardPd(b, s, eps, affine, false);
    const args: Array<[number, MemDesc]> = [[ARG.src, data], [ARG.mean, stat], [
      ARG.variance,
      stat,
    ]];
    if (affine.scale) args.push([ARG.scale, stat]);
    if (affine.shift) args.push([ARG.shift, stat]);
    args.push([ARG.dst, data]);
    return b.dnnl.primitive(pd, args);
  });
}

/**
 * Full training-mode backward (through the batch statistics).
 * run([src, mean, variance, diffDst, (scale), (shift), (workspace), diffSrc, (diffScale),
 * (diffShift)]); with `relu`, dy is the gradient of the ReLU's output.
 * oneDNN wants the shift argument whenever `use_shift` is set, though the math does not read it.
 */
export function bnBackward(
  b: OnednnBackend,
  s: BnShape,
  eps: number,
  affine: BnAffine,
): Primitive {
  return b.plan(`bn_bwd|${s.key}|${eps}|${affineKey(affine)}`, () => {
    const d = b.dnnl;
    const { pd: hint, data, stat, ws } = forwardPd(b, s, eps, affine, true);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_batch_normalization_backward_desc_init(
        op,
        PROP.backward,
        data.ptr,
        data.ptr,
        eps,
        flagsOf(affine, false),
      ),
      "batch_normalization_backward_desc_init",
      s.key,
    );
    const pd = d.primitiveDesc(op, `batch normalization backward ${s.key}`, null, hint);
    const args: Array<[number, MemDesc]> = [
      [ARG.src, data],
      [ARG.mean, stat],
      [ARG.variance, stat],
      [ARG.diffDst, data],
    ];
    if (affine.scale) args.push([ARG.scale, stat]);
    if (affine.shift) args.push([ARG.shift, stat]);
    if (affine.relu) args.push([ARG.workspace, ws]);
    args.push([ARG.diffSrc, data]);
    if (affine.scale) args.push([ARG.diffScale, stat]);
    if (affine.shift) args.push([ARG.diffShift, stat]);
    return d.primitive(pd, args);
  });
}
