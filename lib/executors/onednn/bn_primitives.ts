/**
 * Batch-normalisation plans over channel-last data, always shown to oneDNN as 4-D NHWC: other
 * ranks become [rest, C, 1, 1] (statistics are per channel over every other axis either way), as
 * 2-D `nc` data gets oneDNN's generic kernel, about ten times slower. Scale and shift are
 * separate [C] arguments (oneDNN 2.3+ `use_scale`/`use_shift`).
 *
 * @module
 */
import type { OnednnBackend } from "./backend.ts";
import { ARG, BN_FLAG, PROP, TAG } from "./constants.ts";
import type { MemDesc, Primitive } from "./dnnl.ts";

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

/** Which of scale and shift are given. */
export interface BnAffine {
  scale: boolean;
  shift: boolean;
}

function flagsOf(affine: BnAffine, globalStats: boolean): number {
  return (affine.scale ? BN_FLAG.useScale : 0) | (affine.shift ? BN_FLAG.useShift : 0) |
    (globalStats ? BN_FLAG.useGlobalStats : 0);
}

function affineKey(a: BnAffine): string {
  return `${a.scale ? "s" : ""}${a.shift ? "h" : ""}`;
}

function forwardPd(
  b: OnednnBackend,
  s: BnShape,
  eps: number,
  affine: BnAffine,
  training: boolean,
): { pd: Deno.PointerValue; data: MemDesc; stat: MemDesc } {
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
    return {
      pd: d.primitiveDesc(op, `batch normalization forward ${s.key}`),
      data,
      stat: d.md([s.channels], TAG.a),
    };
  });
}

/**
 * Training-mode forward: batch statistics out.
 * run([src, (scale), (shift), dst, mean, variance]).
 */
export function bnForwardTraining(
  b: OnednnBackend,
  s: BnShape,
  eps: number,
  affine: BnAffine,
): Primitive {
  return b.plan(`bn_fwd_train|${s.key}|${eps}|${affineKey(affine)}`, () => {
    const { pd, data, stat } = forwardPd(b, s, eps, affine, true);
    const args: Array<[number, MemDesc]> = [[ARG.src, data]];
    if (affine.scale) args.push([ARG.scale, stat]);
    if (affine.shift) args.push([ARG.shift, stat]);
    args.push([ARG.dst, data], [ARG.mean, stat], [ARG.variance, stat]);
    return b.dnnl.primitive(pd, args);
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
 * run([src, mean, variance, diffDst, (scale), (shift), diffSrc, (diffScale), (diffShift)]).
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
    const { pd: hint, data, stat } = forwardPd(b, s, eps, affine, true);
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
    args.push([ARG.diffSrc, data]);
    if (affine.scale) args.push([ARG.diffScale, stat]);
    if (affine.shift) args.push([ARG.diffShift, stat]);
    return d.primitive(pd, args);
  });
}
