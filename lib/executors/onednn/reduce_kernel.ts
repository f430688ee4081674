/**
 * The shape of the reduction kernels (Sum, Mean, Max, Min) on oneDNN's reduction primitive.
 * Adjacent axes of the same kind (reduced or kept) are merged first, so reducing NHWC data over
 * N, H and W is a [NHW, C] → [1, C] reduction.
 *
 * @module
 */
import { backend_util, type KernelConfig, util } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "./backend.ts";
import { ARG, TAG } from "./constants.ts";
import type { Primitive } from "./dnnl.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, SMALL } from "./kernel_util.ts";

const PLAIN_TAGS = [TAG.a, TAG.a, TAG.ab, TAG.abc, TAG.abcd, TAG.abcde, TAG.abcdef];

/** Merge adjacent axes that are all reduced or all kept: [merged dims, which are reduced]. */
export function mergeAxes(shape: readonly number[], axes: readonly number[]) {
  const dims: number[] = [];
  const reduced: boolean[] = [];
  for (let i = 0; i < shape.length; i++) {
    const r = axes.includes(i);
    if (shape[i] === 1) continue;
    if (reduced.length && reduced[reduced.length - 1] === r) dims[dims.length - 1] *= shape[i];
    else {
      dims.push(shape[i]);
      reduced.push(r);
    }
  }
  if (dims.length === 0) return { dims: [1], reduced: [false] };
  return { dims, reduced };
}

function reductionPrimitive(
  b: OnednnBackend,
  alg: number,
  dims: number[],
  reduced: boolean[],
): Primitive {
  return b.plan(`reduction|${alg}|${dims}|${reduced}`, () => {
    const d = b.dnnl;
    const tag = PLAIN_TAGS[dims.length];
    const src = d.md(dims, tag);
    const dst = d.md(dims.map((n, i) => (reduced[i] ? 1 : n)), tag);
    const op = d.opDesc();
    d.check(
      d.lib.dnnl_reduction_desc_init(op, alg, src.ptr, dst.ptr, 0, 0),
      "reduction_desc_init",
      `${dims}`,
    );
    const pd = d.primitiveDesc(op, `reduction ${dims}`);
    return d.primitive(pd, [[ARG.src, src], [ARG.dst, dst]]);
  });
}

/** A reduction kernel whose axes attribute is called `axisAttr`. */
export function reduceKernel(kernelName: string, alg: number, axisAttr: string): KernelConfig {
  return {
    kernelName,
    backendName: "onednn",
    kernelFunc(args) {
      const { x } = inputsOf(args);
      const attrs = args.attrs as Record<string, unknown>;
      const keepDims = attrs["keepDims"] as boolean;
      const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
      if (x.dtype !== "float32" || sizeOf(x.shape) < SMALL || axes.length === 0) {
        return cpuKernel(kernelName, args);
      }
      const { dims, reduced } = mergeAxes(x.shape, axes);
      if (dims.length > 6 || !reduced.some((r) => r)) return cpuKernel(kernelName, args);
      const b = onednn(args);
      const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      const out = b.alloc(shape);
      reductionPrimitive(b, alg, dims, reduced).run([b.f32(x), out]);
      return b.output(shape, out);
    },
  };
}
