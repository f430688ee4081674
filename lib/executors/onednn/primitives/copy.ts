/**
 * Strided copies (slices, padding, concatenation, unstacking) as oneDNN reorders between two
 * strided views of the same dims. tfjs's cpu kernels move such data one element at a time through
 * index arithmetic; a reorder moves it at memory speed.
 *
 * @module
 */
import type { OnednnBackend } from "../backend.ts";
import { ARG } from "../constants.ts";

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/** Drop size-1 axes and merge axes that are contiguous in both views. */
export function mergeCopyAxes(
  dims: readonly number[],
  src: readonly number[],
  dst: readonly number[],
): { dims: number[]; src: number[]; dst: number[] } {
  const d: number[] = [], s: number[] = [], t: number[] = [];
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] === 1) continue;
    const k = d.length - 1;
    if (k >= 0 && s[k] === src[i] * dims[i] && t[k] === dst[i] * dims[i]) {
      d[k] *= dims[i];
      s[k] = src[i];
      t[k] = dst[i];
    } else {
      d.push(dims[i]);
      s.push(src[i]);
      t.push(dst[i]);
    }
  }
  if (d.length === 0) return { dims: [1], src: [1], dst: [1] };
  return { dims: d, src: s, dst: t };
}

/**
 * Copy `dims` elements from `src` (starting at `srcOffset`, with `srcStrides`) into `dst`
 * (from `dstOffset`, with `dstStrides`). Returns false when the view has too many axes.
 */
export function stridedCopy(
  b: OnednnBackend,
  dims: readonly number[],
  src: Float32Array,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Float32Array,
  dstOffset: number,
  dstStrides: readonly number[],
): boolean {
  const m = mergeCopyAxes(dims, srcStrides, dstStrides);
  if (m.dims.length > 6) return false;
  const prim = b.plan(`copy|${m.dims}|${m.src}|${m.dst}`, () => {
    const d = b.dnnl;
    const from = d.mdStrided(m.dims, m.src);
    const to = d.mdStrided(m.dims, m.dst);
    return d.primitive(d.reorderDesc(from, to), [[ARG.src, from], [ARG.dst, to]]);
  });
  prim.run([
    srcOffset ? src.subarray(srcOffset) : src,
    dstOffset ? dst.subarray(dstOffset) : dst,
  ]);
  return true;
}
