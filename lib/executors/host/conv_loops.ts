/**
 * A 2-D convolution (NHWC, dilation 1) as calls of the block kernels of simd/conv.ts, on tensors
 * where they lie in the wasm heap: no padding copy. The output grid splits into rectangles whose
 * pixels all see the same range of filter taps (the inside, and the edge rows and columns that
 * the padding cuts); wide rectangles run row by row, tall ones (the left and right edges) column
 * by column, each cut into blocks of 4–6 pixels. The output may be strided (outPix, outRow and
 * outImage), which is how the input gradient writes its phases straight into dx.
 *
 * @module
 */
import { type ConvBlocks, convKernels, MAX_BLOCK } from "../simd/conv.ts";
import type { ConvShape } from "./filter_grad_loops.ts";

/** Shapes, strides, pads and output layout of one convolution (counts in floats). */
export interface ConvGeometry extends ConvShape {
  /** Floats between neighbouring output pixels, rows and images. */
  outPix: number;
  outRow: number;
  outImage: number;
  /** simd/conv.ts flags: bias, ReLU. */
  flags: number;
}

/** Byte offsets of the operands in the heap. */
export interface ConvOperands {
  x: number;
  filter: number;
  out: number;
  bias: number;
}

/** A run of output indices along one axis that see the same taps [k0, k1). */
interface Run {
  from: number;
  to: number;
  k0: number;
  k1: number;
}

/** The output indices of one axis grouped by the taps that fall inside the input. */
export function tapRuns(k: number, s: number, pad: number, size: number, outSize: number): Run[] {
  const runs: Run[] = [];
  for (let o = 0; o < outSize; o++) {
    // Taps j with 0 <= o·s + j − pad < size.
    const k0 = Math.min(k, Math.max(0, pad - o * s));
    const k1 = Math.max(k0, Math.min(k, size + pad - o * s));
    const last = runs[runs.length - 1];
    if (last && last.k0 === k0 && last.k1 === k1) last.to = o + 1;
    else runs.push({ from: o, to: o + 1, k0, k1 });
  }
  return runs;
}

/** Call `kernels` over `count` pixels in blocks of 4–6 (fewer only when count is). */
function blocks(
  kernels: ConvBlocks[],
  count: number,
  inStep: number,
  outStep: number,
  call: (k: ConvBlocks, inAt: number, outAt: number, blocks: number) => void,
): void {
  const n = Math.ceil(count / MAX_BLOCK);
  const size = Math.floor(count / n), bigger = count - size * n;
  if (bigger) call(kernels[size], 0, 0, bigger);
  const done = bigger * (size + 1);
  if (n > bigger) call(kernels[size - 1], done * inStep, done * outStep, n - bigger);
}

/** Convolve images [nFrom, nTo) of geometry `g` into the output (see the module doc). */
export function convolveImages(
  memory: WebAssembly.Memory,
  g: ConvGeometry,
  p: ConvOperands,
  nFrom: number,
  nTo: number,
): void {
  const inRow = g.w * g.ci * 4, wTap = g.ci * g.co * 4, wRow = g.kw * wTap;
  const outPix = g.outPix * 4, outRow = g.outRow * 4;
  const across = convKernels(memory, g.ci, g.co, g.sw * g.ci * 4);
  const down = convKernels(memory, g.ci, g.co, g.sh * inRow);
  const rows = tapRuns(g.kh, g.sh, g.top, g.h, g.ho);
  const cols = tapRuns(g.kw, g.sw, g.left, g.w, g.wo);
  for (let b = nFrom; b < nTo; b++) {
    for (const r of rows) {
      for (const c of cols) {
        const nr = r.to - r.from, nc = c.to - c.from;
        const outAt = p.out + 4 * b * g.outImage + r.from * outRow + c.from * outPix;
        const nkh = r.k1 - r.k0, nkw = c.k1 - c.k0;
        if (nkh === 0 || nkw === 0) {
          zeroOrBias(memory, g, p, outAt, nr, nc);
          continue;
        }
        const y = r.from * g.sh + r.k0 - g.top, x = c.from * g.sw + c.k0 - g.left;
        const inAt = p.x + ((b * g.h + y) * g.w + x) * g.ci * 4;
        const wAt = p.filter + r.k0 * wRow + c.k0 * wTap;
        const run = (k: ConvBlocks, i: number, o: number, count: number, step: number) =>
          k(inAt + i, wAt, outAt + o, count, nkh, nkw, inRow, wRow, step, p.bias, g.flags);
        if (nc >= nr) {
          const step = g.sw * g.ci * 4;
          for (let i = 0; i < nr; i++) {
            blocks(
              across,
              nc,
              step,
              outPix,
              (k, at, o, count) => run(k, at + i * g.sh * inRow, o + i * outRow, count, outPix),
            );
          }
        } else {
          const step = g.sh * inRow;
          for (let j = 0; j < nc; j++) {
            blocks(
              down,
              nr,
              step,
              outRow,
              (k, at, o, count) => run(k, at + j * g.sw * g.ci * 4, o + j * outPix, count, outRow),
            );
          }
        }
      }
    }
  }
}

/** Output pixels no tap reaches (padding wider than the filter): the bias, or zero. */
function zeroOrBias(
  memory: WebAssembly.Memory,
  g: ConvGeometry,
  p: ConvOperands,
  outAt: number,
  nr: number,
  nc: number,
): void {
  const heap = new Float32Array(memory.buffer);
  const bias = g.flags & 1 ? heap.subarray(p.bias / 4, p.bias / 4 + g.co) : undefined;
  for (let i = 0; i < nr; i++) {
    for (let j = 0; j < nc; j++) {
      const at = (outAt >>> 2) + i * g.outRow + j * g.outPix;
      for (let o = 0; o < g.co; o++) {
        heap[at + o] = bias ? Math.max(bias[o], g.flags & 2 ? 0 : -Infinity) : 0;
      }
    }
  }
}
