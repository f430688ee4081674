/**
 * Pooling plans (max and average, forward and backward) over NHWC data. tfjs's average pooling
 * divides by the number of in-bounds elements, which is oneDNN's `avg_exclude_padding`; its max
 * pooling never picks padding, as oneDNN's.
 *
 * @module
 */
import type { backend_util } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "../backend.ts";
import { ARG, PROP, QUERY, TAG } from "../constants.ts";
import { type ConvGeometry, convGeometry, dims } from "./conv.ts";
import type { MemDesc, Primitive } from "../dnnl.ts";

/** Pooling geometry: a convolution's, plus the window. */
export interface PoolGeometry extends ConvGeometry {
  kernel: number[];
}

/** Map a tfjs pooling Conv2DInfo to oneDNN dims; undefined when not NHWC. */
export function poolGeometry(info: backend_util.Conv2DInfo): PoolGeometry | undefined {
  const g = convGeometry(info);
  if (!g) return undefined;
  const kernel = [info.filterHeight, info.filterWidth];
  return { ...g, kernel, key: `${g.key}|${kernel}` };
}

function forward(b: OnednnBackend, g: PoolGeometry, alg: number, training: boolean) {
  return b.plan(`pool_fwd_pd|${alg}|${g.key}|${training}`, () => {
    const d = b.dnnl;
    const src = d.md(g.src, TAG.acdb);
    const dst = d.md(g.dst, TAG.acdb);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_pooling_v2_forward_desc_init(
        op,
        training ? PROP.forwardTraining : PROP.forwardInference,
        alg,
        src.ptr,
        dst.ptr,
        dims(g.strides),
        dims(g.kernel),
        dims(g.dilates),
        dims(g.padL),
        dims(g.padR),
      ),
      "pooling_v2_forward_desc_init",
      g.key,
    );
    const pd = d.primitiveDesc(op, `pooling ${g.key}`);
    const ws = d.query(pd, QUERY.workspaceMd);
    const wsBytes = ws.ptr ? d.mdBytes(ws) : 0;
    return { pd, src, dst, ws, wsBytes };
  });
}

/** Forward pooling without a workspace: run([src, dst]). */
export function poolForward(b: OnednnBackend, g: PoolGeometry, alg: number): Primitive {
  return b.plan(`pool_fwd|${alg}|${g.key}`, () => {
    const { pd, src, dst } = forward(b, g, alg, false);
    return b.dnnl.primitive(pd, [[ARG.src, src], [ARG.dst, dst]]);
  });
}

/** Training forward, whose workspace max-pooling's backward reads: run([src, dst, ws]). */
export function poolForwardTraining(
  b: OnednnBackend,
  g: PoolGeometry,
  alg: number,
): { prim: Primitive; wsBytes: number } {
  return b.plan(`pool_fwd_train|${alg}|${g.key}`, () => {
    const { pd, src, dst, ws, wsBytes } = forward(b, g, alg, true);
    const args: Array<[number, MemDesc]> = [[ARG.src, src], [ARG.dst, dst]];
    if (wsBytes > 0) args.push([ARG.workspace, ws]);
    return { prim: b.dnnl.primitive(pd, args), wsBytes };
  });
}

/** Backward pooling: run([diffDst, (workspace), diffSrc]). */
export function poolBackward(b: OnednnBackend, g: PoolGeometry, alg: number): Primitive {
  return b.plan(`pool_bwd|${alg}|${g.key}`, () => {
    const d = b.dnnl;
    const { pd: hint, src, dst, ws, wsBytes } = forward(b, g, alg, true);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_pooling_v2_backward_desc_init(
        op,
        alg,
        src.ptr,
        dst.ptr,
        dims(g.strides),
        dims(g.kernel),
        dims(g.dilates),
        dims(g.padL),
        dims(g.padR),
      ),
      "pooling_v2_backward_desc_init",
      g.key,
    );
    const pd = d.primitiveDesc(op, `pooling backward ${g.key}`, null, hint);
    const args: Array<[number, MemDesc]> = [[ARG.diffDst, dst]];
    if (wsBytes > 0) args.push([ARG.workspace, ws]);
    args.push([ARG.diffSrc, src]);
    return d.primitive(pd, args);
  });
}
