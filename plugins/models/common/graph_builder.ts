/**
 * A thin helper over the tfjs-layers functional API for the CIFAR convnets: conv, batch norm,
 * ReLU, pooling and the classifier head, seeded and named consistently. Every model names its
 * first convolution `conv0` and its classifier `fc`, so weights transfer across families
 * (a DenseNet teacher's stem and head into a ResNet student) when shapes match.
 *
 * @module
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import type { Inits } from "./init.ts";

/** A symbolic tensor of the functional API. */
export type Sym = tfl.SymbolicTensor;

/** Layer helpers bound to one build. */
export interface GraphBuilder {
  /**
   * k×k convolution without bias (batch norm follows). Stride-2 convs pad one pixel on each side
   * explicitly, as the references do, instead of TensorFlow's asymmetric "same" padding.
   */
  conv(x: Sym, name: string, filters: number, kernel: number, stride?: number): Sym;
  /** Batch norm with the references' momentum (0.1 in torch terms) and epsilon 1e-5. */
  bn(x: Sym, name: string): Sym;
  relu(x: Sym, name: string): Sym;
  /** BN then ReLU. */
  bnRelu(x: Sym, name: string): Sym;
  add(a: Sym, b: Sym, name: string): Sym;
  concat(xs: Sym[], name: string): Sym;
  avgPool2(x: Sym, name: string): Sym;
  dropout(x: Sym, rate: number, name: string): Sym;
  /** Global average pooling then the `fc` classifier. */
  head(x: Sym, classes: number): { features: Sym; logits: Sym };
}

/** Bind the helpers to a tfjs-layers namespace and a seed stream. */
export function graphBuilder(t: typeof tfl, inits: Inits): GraphBuilder {
  const apply = (layer: tfl.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
  return {
    conv(x, name, filters, kernel, stride = 1) {
      const explicitPad = stride > 1 && kernel > 1;
      const input = explicitPad
        ? apply(
          t.layers.zeroPadding2d({ padding: (kernel - 1) >> 1, name: `${name}_pad` }),
          x,
        )
        : x;
      return apply(
        t.layers.conv2d({
          filters,
          kernelSize: kernel,
          strides: stride,
          padding: explicitPad ? "valid" : "same",
          useBias: false,
          kernelInitializer: inits.conv(kernel, filters),
          name,
        }),
        input,
      );
    },
    bn: (x, name) => apply(t.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name }), x),
    relu: (x, name) => apply(t.layers.activation({ activation: "relu", name }), x),
    bnRelu(x, name) {
      return this.relu(this.bn(x, `${name}_bn`), `${name}_relu`);
    },
    add: (a, b, name) => apply(t.layers.add({ name }), [a, b]),
    concat: (xs, name) => apply(t.layers.concatenate({ axis: -1, name }), xs),
    avgPool2: (x, name) =>
      apply(t.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: "valid", name }), x),
    dropout: (x, rate, name) => apply(t.layers.dropout({ rate, name }), x),
    head(x, classes) {
      const features = apply(t.layers.globalAveragePooling2d({ name: "pool" }), x);
      const logits = apply(
        t.layers.dense({
          units: classes,
          kernelInitializer: inits.linear(),
          biasInitializer: "zeros",
          name: "fc",
        }),
        features,
      );
      return { features, logits };
    },
  };
}
