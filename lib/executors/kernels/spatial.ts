/**
 * Shared geometry for the convolution-gradient kernels: stride dilation and asymmetric
 * pad-or-crop, both as reshape/pad/slice kernel calls.
 *
 * @module
 */
import type { KernelCall, TensorInfo } from "./kernel_call.ts";

/**
 * Insert `stride - 1` zeros between rows and columns of an NHWC tensor, so that a stride-s
 * convolution's gradient becomes a stride-1 convolution. Returns the input itself for stride 1.
 * The result has (h-1)*sh+1 rows and (w-1)*sw+1 columns.
 */
export function dilateSpatial(
  run: KernelCall,
  x: TensorInfo,
  [sh, sw]: [number, number],
): TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const r = run("Reshape", { x }, { shape: [n, h, 1, w, 1, c] });
  const padded = run("PadV2", { x: r }, {
    paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
    constantValue: 0,
  });
  run.dispose(r);
  const spread = run("Reshape", { x: padded }, { shape: [n, h * sh, w * sw, c] });
  run.dispose(padded);
  const out = run("Slice", { x: spread }, {
    begin: [0, 0, 0, 0],
    size: [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c],
  });
  run.dispose(spread);
  return out;
}

/**
 * Turn wanted pads [top, bottom, left, right] (any may be negative) into a possibly cropped
 * input and non-negative explicit pads, since convolution kernels accept only the latter.
 */
export function padOrCrop(
  run: KernelCall,
  x: TensorInfo,
  [top, bottom, left, right]: [number, number, number, number],
): { x: TensorInfo; cropped: boolean; pad: [[0, 0], [number, number], [number, number], [0, 0]] } {
  const pad: [[0, 0], [number, number], [number, number], [0, 0]] = [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ];
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return { x, cropped: false, pad };
  const [n, h, w, c] = x.shape;
  const t = Math.max(-top, 0), b = Math.max(-bottom, 0);
  const l = Math.max(-left, 0), r = Math.max(-right, 0);
  const out = run("Slice", { x }, { begin: [0, t, l, 0], size: [n, h - t - b, w - l - r, c] });
  return { x: out, cropped: true, pad };
}
