/**
 * A CIFAR ResNet (He et al. 2016, section 4.2: 6n+2 layers, 16/32/64 filters, 1×1 projection
 * shortcuts where the shape changes) built with tfjs-layers. It exists to exercise and time
 * executors (conv, batch-norm, relu, add, pooling, dense); the model plugins own the real one.
 *
 * @module
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import type { TfContext } from "../../plugin/runtime.ts";

/** Options for {@linkcode buildResnet}. */
export interface ResnetOptions {
  /** Blocks per stage; depth is 6n+2 (n=3 gives ResNet-20). Default 3. */
  blocksPerStage?: number;
  /** Filters of the first stage, doubled at each of the next two. Default 16. */
  width?: number;
  /** Input [height, width, channels]. Default [32, 32, 3]. */
  inputShape?: [number, number, number];
  /** Output classes. Default 10. */
  classes?: number;
  /** Initializer seed. Default 1. */
  seed?: number;
}

/** Build a CIFAR-style ResNet; ResNet-20 with the defaults. */
export function buildResnet({ tfl }: TfContext, options: ResnetOptions = {}): tfl.LayersModel {
  const n = options.blocksPerStage ?? 3;
  const width = options.width ?? 16;
  let seed = options.seed ?? 1;
  const L = tfl.layers;
  const conv = (filters: number, kernelSize: number, strides: number) =>
    L.conv2d({
      filters,
      kernelSize,
      strides,
      padding: "same",
      useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: seed++ }),
    });
  const bn = () => L.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) =>
    layer.apply(x) as tfl.SymbolicTensor;

  const input = tfl.input({ shape: options.inputShape ?? [32, 32, 3] });
  let h = apply(L.reLU(), apply(bn(), apply(conv(width, 3, 1), input)));
  for (let stage = 0; stage < 3; stage++) {
    const filters = width << stage;
    for (let block = 0; block < n; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      let y = apply(L.reLU(), apply(bn(), apply(conv(filters, 3, strides), h)));
      y = apply(bn(), apply(conv(filters, 3, 1), y));
      const shortcut = strides !== 1 || h.shape[3] !== filters
        ? apply(bn(), apply(conv(filters, 1, strides), h))
        : h;
      h = apply(L.reLU(), apply(L.add(), [y, shortcut]));
    }
  }
  h = apply(L.globalAveragePooling2d({}), h);
  const logits = apply(
    L.dense({
      units: options.classes ?? 10,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }),
    }),
    h,
  );
  return tfl.model({ inputs: input, outputs: logits, name: `resnet${6 * n + 2}` });
}
