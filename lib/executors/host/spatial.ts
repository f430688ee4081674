/**
 * Shared geometry for the convolution-gradient kernels: asymmetric pad-or-crop as a slice
 * kernel call and the pads a convolution kernel accepts.
 *
 * @module
 */
import type { KernelCall, TensorInfo } from "./kernel_call.ts";

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
