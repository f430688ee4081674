/**
 * The shape of the reduction kernels (Sum, Mean, Max, Min) on oneDNN's reduction primitive.
 * Adjacent axes of the same kind (reduced or kept) are merged first, so reducing NHWC data over
 * N, H and W is a [NHW, C] → [1, C] reduction. Sums and means over leading or middle axes with
 * the last axis kept ([R, K] → [K], [A, R, K] → [A, K], bias gradients among them) run as a
 * matrix product with a vector of ones: oneDNN's reduction primitive took 400 ms to sum a
 * [1120, 10000] matrix over its rows, the product takes milliseconds.
 *
 * @module
 */
import { backend_util, type KernelConfig, util } from "@tensorflow/tfjs-core";
import type { OnednnBackend } from "./backend.ts";
import { ALG, ARG, TAG } from "./constants.ts";
import type { Primitive } from "./dnnl.ts";
import { matmulPrimitive } from "./primitives/matmul.ts";
import { cpuKernel, inputsOf, onednn, sizeOf, tooSmall } from "./kernel_util.ts";

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
  }, b.elementwiseThreads(sizeOf(dims)));
}

/**
 * Sum or mean of `x` (merged to `dims`, `reduced`) as ones · X when the pattern is [R, K] or
 * [A, R, K] with R reduced; false when it is not.
 */
function reduceByMatmul(
  b: OnednnBackend,
  alg: number,
  dims: number[],
  reduced: boolean[],
  x: Float32Array,
  out: Float32Array,
): boolean {
  if (alg !== ALG.reductionSum && alg !== ALG.reductionMean) return false;
  let a: number, r: number, k: number;
  if (dims.length === 2 && reduced[0] && !reduced[1]) [a, r, k] = [1, dims[0], dims[1]];
  else if (dims.length === 3 && !reduced[0] && reduced[1] && !reduced[2]) [a, r, k] = dims;
  else return false;
  const weight = alg === ALG.reductionMean ? 1 / r : 1;
  const ones = b.plan(`ones|${r}|${weight}`, () => new Float32Array(r).fill(weight));
  const p = { batchA: 1, batchB: a, m: 1, k: r, n: k, transposeA: false, transposeB: false };
  matmulPrimitive(b, p, false, [], "").run([ones, x, out]);
  return true;
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
      if (x.dtype !== "float32" || tooSmall(args, sizeOf(x.shape)) || axes.length === 0) {
        return cpuKernel(kernelName, args);
      }
      const { dims, reduced } = mergeAxes(x.shape, axes);
      if (dims.length > 6 || !reduced.some((r) => r)) return cpuKernel(kernelName, args);
      const b = onednn(args);
      const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      const out = b.alloc(shape);
      if (!reduceByMatmul(b, alg, dims, reduced, b.f32(x), out)) {
        reductionPrimitive(b, alg, dims, reduced).run([b.f32(x), out]);
      }
      return b.output(shape, out);
    },
  };
}
