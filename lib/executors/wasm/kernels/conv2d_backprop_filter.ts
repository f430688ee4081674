/**
 * Conv2DBackpropFilter. On the wasm heap, with input channels a multiple of 4 and output
 * channels of 8, it runs as rank updates straight on x and dy (host/filter_grad_loops.ts), split
 * over the executor's threads. Otherwise it is one forward convolution on the backend's fast
 * (XNNPACK on wasm) Conv2D: with the batch as channels, dW[kh,kw,ci,co] is a stride-1 convolution of
 * x^T [Ci,H,W,N] with dy^T [Ho,Wo,N,Co] dilated by the forward stride — correct for every shape,
 * but XNNPACK packs that 'filter' (all of dy) on each call and the shape suits its kernels
 * badly. The wasm backend has no kernel of its own; on cpu the stock loop is kept.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import {
  accumulateFilterGrad,
  convShapeOf,
  type FilterGeometry,
} from "../../host/filter_grad_loops.ts";
import { hostArrays, wasmHeapMemory } from "../../host/host_arrays.ts";
import { kernelCall, type TensorInfo, type Tf } from "../../host/kernel_call.ts";
import { loopPool } from "../../loop_pool/pool.ts";
import { padOrCrop } from "../../host/spatial.ts";
import { type KernelFactory } from "../../kernel_registry.ts";

/** The kernel config for `backendName`; `fallback` handles NCHW (or, absent, it throws). */
export function conv2DBackpropFilterConfig(
  tf: Tf,
  backendName: string,
  fallback?: tfc.KernelConfig,
): tfc.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: (args) => {
      const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
      const a = args.attrs as unknown as tfc.Conv2DBackpropFilterAttrs;
      const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
      if (format !== "channelsLast") {
        if (fallback) return fallback.kernelFunc(args);
        throw new Error(
          `Conv2DBackpropFilter on ${backendName} supports NHWC only: got dataFormat ${a.dataFormat}`,
        );
      }
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        a.filterShape,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const direct = directFilterGrad(args.backend, x, dy, info);
      if (direct) return direct;
      const run = kernelCall(tf, args.backend, backendName);
      const [, h, w] = x.shape;
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
      const { outHeight: ho, outWidth: wo, padInfo: p } = info;
      const xt = run("Transpose", { x }, { perm: [3, 1, 2, 0] });
      const f = run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
      // Output extent must be exactly kh×kw: the bottom/right pads follow from that.
      const bottom = kh + (ho - 1) * sh - h - p.top;
      const right = kw + (wo - 1) * sw - w - p.left;
      const src = padOrCrop(run, xt, [p.top, bottom, p.left, right]);
      const out = run("Conv2D", { x: src.x, filter: f }, {
        strides: [1, 1],
        pad: src.pad,
        dataFormat: "NHWC",
        dilations: [sh, sw],
      });
      if (src.cropped) run.dispose(src.x);
      run.dispose(xt, f);
      const dw = run("Transpose", { x: out }, { perm: [1, 2, 0, 3] });
      run.dispose(out);
      return dw;
    },
  };
}

/** The gradient by rank updates on the wasm heap, or undefined where that path does not apply. */
function directFilterGrad(
  backend: object,
  x: TensorInfo,
  dy: TensorInfo,
  info: ReturnType<Tf["backend_util"]["computeConv2DInfo"]>,
): TensorInfo | undefined {
  const memory = wasmHeapMemory(backend);
  const [n, , , ci] = x.shape;
  const co = dy.shape[3];
  if (
    !memory || ci % 4 !== 0 || co % 8 !== 0 || info.dilationHeight !== 1 ||
    info.dilationWidth !== 1 || x.dtype !== "float32" || dy.dtype !== "float32"
  ) {
    return undefined;
  }
  const g: FilterGeometry = { n, ...convShapeOf(info) };
  const host = hostArrays(backend);
  const size = g.kh * g.kw * ci * co;
  const pool = loopPool();
  const workers = pool ? Math.min(pool.threads, n) - 1 : 0;
  const [dw, scratch] = host.alloc(
    [g.kh, g.kw, ci, co],
    ...(workers > 0 ? [[workers * size]] : []),
  );
  const [xv, dyv, dwv] = [x, dy, dw].map(host.view);
  if (pool) {
    pool.filterGrad(g, xv, dyv, dwv, scratch && host.view(scratch));
  } else {
    dwv.fill(0);
    accumulateFilterGrad(memory, g, xv.byteOffset, dyv.byteOffset, dwv.byteOffset, 0, n);
  }
  if (scratch) (backend as { disposeData(id: object): void }).disposeData(scratch.dataId);
  return dw;
}

/** `Conv2DBackpropFilter` for the wasm executor (registered in `../register_all_kernels.ts`). */
export const conv2DBackpropFilterKernel: KernelFactory = {
  kernelName: "Conv2DBackpropFilter",
  make: conv2DBackpropFilterConfig,
};
