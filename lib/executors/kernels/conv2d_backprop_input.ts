/**
 * Conv2DBackpropInput as forward convolutions on the backend's fast Conv2D. Stride 1: dx is one
 * stride-1 convolution of dy with the filter flipped in space and its in/out channels swapped.
 * Stride s > 1: dx splits into s×s phases (the output rows ≡ ph mod s and columns ≡ pw mod s);
 * each phase is a stride-1 convolution of dy with the taps of the filter that reach it, and a
 * plain loop interleaves the phases. The textbook alternative (convolve a dy dilated with
 * zeros) spends s² times the work on zeros. The stock wasm kernel is a plain loop.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { type KernelCall, kernelCall, type TensorInfo, type Tf } from "./kernel_call.ts";
import { hostArrays } from "./host_arrays.ts";
import { padOrCrop } from "./spatial.ts";

/** One dimension of a phase: which filter taps reach it and where its dy window starts. */
interface PhaseAxis {
  /** First tap (kernel index) that reaches this phase; taps follow every `stride`. */
  first: number;
  /** How many taps reach it (0: the phase gets no gradient). */
  taps: number;
  /** Pads of dy before [top/left, bottom/right] (negative: crop). */
  pads: [number, number];
}

/**
 * Phase `phase` of one spatial axis: output index o = phase + stride·i receives
 * dy[i + shift + j]·tap[first + stride·(taps − 1 − j)] for j < taps, a stride-1 correlation.
 */
function phaseAxis(
  phase: number,
  stride: number,
  kernel: number,
  padBefore: number,
  dyLength: number,
  phaseLength: number,
): PhaseAxis {
  const first = (((phase + padBefore) % stride) + stride) % stride;
  const taps = first < kernel ? Math.ceil((kernel - first) / stride) : 0;
  const shift = (phase + padBefore - first) / stride - taps + 1;
  return { first, taps, pads: [-shift, phaseLength + shift + taps - 1 - dyLength] };
}

/** The kernel config for `backendName`; `fallback` handles NCHW (or, absent, it throws). */
export function conv2DBackpropInputConfig(
  tf: Tf,
  backendName: string,
  fallback?: tfc.KernelConfig,
): tfc.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName,
    kernelFunc: (args) => {
      const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = args.attrs as unknown as tfc.Conv2DBackpropInputAttrs;
      const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
      if (format !== "channelsLast") {
        if (fallback) return fallback.kernelFunc(args);
        throw new Error(
          `Conv2DBackpropInput on ${backendName} supports NHWC only: got dataFormat ${a.dataFormat}`,
        );
      }
      const info = tf.backend_util.computeConv2DInfo(
        a.inputShape,
        filter.shape as [number, number, number, number],
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const run = kernelCall(tf, args.backend, backendName);
      const [n, h, w, ci] = a.inputShape;
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
      const { top, left } = info.padInfo;
      const [, ho, wo] = dy.shape;
      const hq = Math.ceil(h / sh), wq = Math.ceil(w / sw);
      const phases: (TensorInfo | undefined)[] = [];
      for (let ph = 0; ph < sh; ph++) {
        const rows = phaseAxis(ph, sh, kh, top, ho, hq);
        for (let pw = 0; pw < sw; pw++) {
          const cols = phaseAxis(pw, sw, kw, left, wo, wq);
          phases.push(
            rows.taps && cols.taps ? phaseConv(run, dy, filter, rows, cols, [sh, sw]) : undefined,
          );
        }
      }
      if (phases.length === 1 && phases[0]) return phases[0];
      const host = hostArrays(args.backend);
      const [dx] = host.alloc([n, h, w, ci]);
      interleave(
        phases.map((p) => p && host.view(p)),
        host.view(dx),
        [n, h, w, ci],
        [hq, wq],
        [sh, sw],
      );
      run.dispose(...phases.filter((p) => p !== undefined));
      return dx;
    },
  };
}

/**
 * Write phase (ph, pw), of shape [n, hq, wq, c], to out[:, ph + sh·i, pw + sw·j, :], dropping
 * rows and columns past the output; absent phases write zeros.
 */
function interleave(
  phases: (Float32Array | undefined)[],
  out: Float32Array,
  [n, h, w, c]: number[],
  [hq, wq]: [number, number],
  [sh, sw]: [number, number],
): void {
  for (let ph = 0; ph < sh; ph++) {
    for (let pw = 0; pw < sw; pw++) {
      const src = phases[ph * sw + pw];
      for (let b = 0; b < n; b++) {
        for (let i = 0, y = ph; i < hq && y < h; i++, y += sh) {
          let o = ((b * h + y) * w + pw) * c;
          let s = ((b * hq + i) * wq) * c;
          for (let j = 0, x = pw; j < wq && x < w; j++, x += sw, o += sw * c, s += c) {
            if (src) { for (let k = 0; k < c; k++) out[o + k] = src[s + k]; }
            else for (let k = 0; k < c; k++) out[o + k] = 0;
          }
        }
      }
    }
  }
}

/** One phase of dx: dy correlated (stride 1) with the phase's taps, flipped and transposed. */
function phaseConv(
  run: KernelCall,
  dy: TensorInfo,
  filter: TensorInfo,
  rows: PhaseAxis,
  cols: PhaseAxis,
  [sh, sw]: [number, number],
): TensorInfo {
  const [, , ci, co] = filter.shape;
  const taps = run("StridedSlice", { x: filter }, {
    begin: [rows.first, cols.first, 0, 0],
    end: [rows.first + sh * (rows.taps - 1) + 1, cols.first + sw * (cols.taps - 1) + 1, ci, co],
    strides: [sh, sw, 1, 1],
    beginMask: 0,
    endMask: 0,
    ellipsisMask: 0,
    newAxisMask: 0,
    shrinkAxisMask: 0,
  });
  const flipped = run("Reverse", { x: taps }, { dims: [0, 1] });
  run.dispose(taps);
  const wt = run("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
  run.dispose(flipped);
  const src = padOrCrop(run, dy, [...rows.pads, ...cols.pads]);
  const out = run("Conv2D", { x: src.x, filter: wt }, {
    strides: [1, 1],
    pad: src.pad,
    dataFormat: "NHWC",
    dilations: [1, 1],
  });
  if (src.cropped) run.dispose(src.x);
  run.dispose(wt);
  return out;
}
