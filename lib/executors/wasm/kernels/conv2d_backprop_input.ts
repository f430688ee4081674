/**
 * Conv2DBackpropInput as forward convolutions on the backend's fast Conv2D. Stride 1: dx is one
 * stride-1 convolution of dy with the filter flipped in space and its in/out channels swapped.
 * Stride s > 1: dx splits into s×s phases (the output rows ≡ ph mod s and columns ≡ pw mod s);
 * each phase is a stride-1 convolution of dy with the taps of the filter that reach it, and a
 * plain loop interleaves the phases. The textbook alternative (convolve a dy dilated with
 * zeros) spends s² times the work on zeros. The stock wasm kernel is a plain loop.
 *
 * On the wasm heap, with input channels a multiple of 8 (the output channels of these
 * convolutions), each phase runs as the project's direct convolution (conv2d.ts) writing straight
 * into its rows and columns of dx: no slicing, flipping, padding or interleaving passes. Elsewhere
 * the phases run on the backend's Conv2D and a loop interleaves them.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { type KernelCall, kernelCall, type TensorInfo, type Tf } from "../../host/kernel_call.ts";
import { convolve, directConvApplies } from "./conv2d.ts";
import { hostArrays, wasmHeapMemory } from "../../host/host_arrays.ts";
import { padOrCrop } from "../../host/spatial.ts";
import { type KernelFactory } from "../../kernel_registry.ts";

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
      const [n, h, w, ci] = a.inputShape;
      const memory = wasmHeapMemory(args.backend);
      if (
        directConvApplies(memory, ci, dy, filter) && info.dilationHeight === 1 &&
        info.dilationWidth === 1 && filter.shape[3] > 0
      ) {
        return directInputGrad(args.backend, memory, dy, filter, info);
      }
      const run = kernelCall(tf, args.backend, backendName);
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

/** dx by phases, each a direct convolution of dy written into dx's rows and columns. */
function directInputGrad(
  backend: object,
  memory: WebAssembly.Memory,
  dy: TensorInfo,
  filter: TensorInfo,
  info: ReturnType<Tf["backend_util"]["computeConv2DInfo"]>,
): TensorInfo {
  const [n, h, w, ci] = info.inShape;
  const [, ho, wo, cout] = dy.shape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const host = hostArrays(backend);
  const [dx, taps] = host.alloc([n, h, w, ci], [kh * kw * ci * cout]);
  const [dyv, fv, dxv, tv] = [dy, filter, dx, taps].map(host.view);
  let tapAt = 0;
  for (let ph = 0; ph < sh; ph++) {
    const hq = Math.ceil((h - ph) / sh);
    const rows = phaseAxis(ph, sh, kh, info.padInfo.top, ho, hq);
    for (let pw = 0; pw < sw; pw++) {
      const wq = Math.ceil((w - pw) / sw);
      const cols = phaseAxis(pw, sw, kw, info.padInfo.left, wo, wq);
      const outAt = (ph * w + pw) * ci;
      if (hq <= 0 || wq <= 0) continue;
      if (!rows.taps || !cols.taps) {
        zeroPhase(dxv, [n, h, w, ci], [ph, pw], [sh, sw]);
        continue;
      }
      // The phase's taps, flipped in space, in/out channels swapped: [taps, taps, cout, ci].
      const wp = tv.subarray(tapAt, tapAt + rows.taps * cols.taps * cout * ci);
      tapAt += wp.length;
      for (let i = 0; i < rows.taps; i++) {
        const y = rows.first + sh * (rows.taps - 1 - i);
        for (let j = 0; j < cols.taps; j++) {
          const x = cols.first + sw * (cols.taps - 1 - j);
          const src = (y * kw + x) * ci * cout, dst = (i * cols.taps + j) * cout * ci;
          for (let c = 0; c < ci; c++) {
            for (let o = 0; o < cout; o++) wp[dst + o * ci + c] = fv[src + c * cout + o];
          }
        }
      }
      convolve(memory, {
        h: ho,
        w: wo,
        ci: cout,
        ho: hq,
        wo: wq,
        co: ci,
        kh: rows.taps,
        kw: cols.taps,
        sh: 1,
        sw: 1,
        top: rows.pads[0],
        left: cols.pads[0],
        outPix: sw * ci,
        outRow: sh * w * ci,
        outImage: h * w * ci,
        flags: 0,
      }, {
        x: dyv.byteOffset,
        filter: wp.byteOffset,
        out: dxv.byteOffset + 4 * outAt,
        bias: 0,
      }, n);
    }
  }
  (backend as { disposeData(id: object): void }).disposeData(taps.dataId);
  return dx;
}

/** Zero dx[:, ph + sh·i, pw + sw·j, :]: a phase no filter tap reaches. */
function zeroPhase(
  dx: Float32Array,
  [n, h, w, c]: number[],
  [ph, pw]: [number, number],
  [sh, sw]: [number, number],
): void {
  for (let b = 0; b < n; b++) {
    for (let y = ph; y < h; y += sh) {
      for (let x = pw; x < w; x += sw) {
        dx.fill(0, ((b * h + y) * w + x) * c, ((b * h + y) * w + x + 1) * c);
      }
    }
  }
}

/** `Conv2DBackpropInput` for the wasm executor (registered in `../register_all_kernels.ts`). */
export const conv2DBackpropInputKernel: KernelFactory = {
  kernelName: "Conv2DBackpropInput",
  make: conv2DBackpropInputConfig,
};
