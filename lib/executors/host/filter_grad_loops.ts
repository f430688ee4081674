/**
 * The filter gradient of a 2-D convolution (NHWC, dilation 1) as rank updates
 * (simd/rank_update.ts): for each image and each filter tap, the rectangle of output positions
 * whose input position falls inside the image contributes Σ x ⊗ dy to that tap's ci×co block.
 * No padding, transposing or packing of x or dy: the kernel reads both where they lie in the
 * heap. Threads split the images (loop_pool/pool.ts), each into its own accumulator.
 *
 * @module
 */
import { rankUpdateKernel } from "../simd/rank_update.ts";

/** Shapes, strides and pads of a convolution (input h×w×ci, output ho×wo×co, filter kh×kw). */
export interface ConvShape {
  h: number;
  w: number;
  ci: number;
  ho: number;
  wo: number;
  co: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  /** Pads before the first row and column (negative: the input starts further in). */
  top: number;
  left: number;
}

/** The {@linkcode ConvShape} of a convolution as tfjs's `computeConv2DInfo` describes it. */
export function convShapeOf(info: {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padInfo: { top: number; left: number };
}): ConvShape {
  return {
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    ho: info.outHeight,
    wo: info.outWidth,
    co: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/** Shapes, strides and pads of one filter gradient over n images. */
export interface FilterGeometry extends ConvShape {
  n: number;
}

/** The names of {@linkcode ConvShape}'s fields, for copying one field by field. */
export const CONV_SHAPE_FIELDS = [
  "h",
  "w",
  "ci",
  "ho",
  "wo",
  "co",
  "kh",
  "kw",
  "sh",
  "sw",
  "top",
  "left",
] as const satisfies readonly (keyof ConvShape)[];

/** First and end output index along one axis whose input index o·s + k − pad is in [0, size). */
function validRange(k: number, s: number, pad: number, size: number, outSize: number) {
  const lo = Math.max(0, Math.ceil((pad - k) / s));
  const hi = Math.min(outSize, Math.floor((size - 1 + pad - k) / s) + 1);
  return [lo, hi];
}

/**
 * Add the filter gradient of images [nFrom, nTo) into the [kh, kw, ci, co] float32 array at byte
 * offset `acc`; `x` and `dy` are byte offsets of the whole batch in `memory`.
 */
export function accumulateFilterGrad(
  memory: WebAssembly.Memory,
  g: FilterGeometry,
  x: number,
  dy: number,
  acc: number,
  nFrom: number,
  nTo: number,
): void {
  const xRow = g.sh * g.w * g.ci * 4, dyRow = g.wo * g.co * 4;
  const kernel = rankUpdateKernel(memory, g.sw * g.ci * 4, g.co * 4);
  for (let i = 0; i < g.kh; i++) {
    const [hLo, hHi] = validRange(i, g.sh, g.top, g.h, g.ho);
    if (hHi <= hLo) continue;
    for (let j = 0; j < g.kw; j++) {
      const [wLo, wHi] = validRange(j, g.sw, g.left, g.w, g.wo);
      if (wHi <= wLo) continue;
      const tap = acc + (i * g.kw + j) * g.ci * g.co * 4;
      for (let n = nFrom; n < nTo; n++) {
        const xAt = ((n * g.h + hLo * g.sh + i - g.top) * g.w + wLo * g.sw + j - g.left) * g.ci;
        const dyAt = ((n * g.ho + hLo) * g.wo + wLo) * g.co;
        kernel(
          x + 4 * xAt,
          dy + 4 * dyAt,
          tap,
          wHi - wLo,
          g.ci,
          g.co,
          hHi - hLo,
          xRow,
          dyRow,
        );
      }
    }
  }
}
