/**
 * Conv2DBackpropFilter as one forward convolution, so it runs on the backend's fast (XNNPACK on
 * wasm) Conv2D: with the batch as channels, dW[kh,kw,ci,co] is a stride-1 convolution of
 * x^T [Ci,H,W,N] with dy^T [Ho,Wo,N,Co] dilated by the forward stride. The wasm backend has no
 * kernel of its own; on cpu the stock loop is kept.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { kernelCall, type TensorInfo, type Tf } from "./kernel_call.ts";
import { padOrCrop } from "./spatial.ts";

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
