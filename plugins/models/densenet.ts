/**
 * DenseNets for CIFAR (Huang et al. 2017): a 3×3 stem, three dense blocks joined by transitions
 * (BN-ReLU-1×1 conv-2×2 average pool), a final BN-ReLU, global average pooling and a linear
 * classifier. Each dense layer is BN-ReLU-3×3 conv producing `growthRate` maps concatenated to
 * its input; DenseNet-BC adds a BN-ReLU-1×1 conv bottleneck of 4·growthRate maps (`bottleneck`)
 * and transitions that keep ⌊compression·channels⌋ maps, with a stem of 2·growthRate filters
 * (16 without bottlenecks). Layers per block are ⌊(depth-4)/3⌋, halved with bottlenecks and
 * rounded down as the reference code does, so the paper's DenseNet-90-60 and 80-80 are valid
 * names. DenseNet-BC-100-12 has 0.8M parameters.
 *
 * @module
 */
import { defineModel } from "../../lib/plugin/define.ts";
import type { TfContext } from "../../lib/plugin/runtime.ts";
import { inRange, positiveInt } from "./common/checks.ts";
import { graphBuilder, type Sym } from "./common/graph_builder.ts";
import { seededInits } from "./common/init.ts";
import { multiOutputInstance } from "./common/model_instance.ts";

/** DenseNet options; defaults are DenseNet-BC-100-12. */
export interface DensenetOptions {
  [key: string]: number | boolean;
  /** Depth as the paper names networks (DenseNet-depth-growth). */
  depth: number;
  /** Feature maps each dense layer adds (k). */
  growthRate: number;
  /** Fraction of maps a transition keeps (θ; 1 for plain DenseNets, 0.5 for BC). */
  compression: number;
  /** 1×1 bottleneck convolutions of 4k maps before each 3×3 (the "B" of BC). */
  bottleneck: boolean;
  /** Dropout after each convolution (Huang et al. use 0.2 without augmentation, 0 with). */
  dropout: number;
}

const DEFAULTS: DensenetOptions = {
  depth: 100,
  growthRate: 12,
  compression: 0.5,
  bottleneck: true,
  dropout: 0,
};

function layersPerBlock(p: DensenetOptions): number {
  const n = Math.floor((p.depth - 4) / 3);
  return p.bottleneck ? Math.floor(n / 2) : n;
}

function problems(p: DensenetOptions): string[] {
  const out = [
    ...positiveInt("depth", p.depth),
    ...positiveInt("growthRate", p.growthRate),
    ...inRange("dropout", p.dropout, 0, 1),
  ];
  if (!(typeof p.compression === "number" && p.compression > 0 && p.compression <= 1)) {
    out.push(`compression must be in (0, 1]: got ${JSON.stringify(p.compression)}`);
  }
  if (!out.length && layersPerBlock(p) < 1) {
    out.push(
      `depth ${p.depth} leaves no layer in a dense block: need at least ${p.bottleneck ? 10 : 7}`,
    );
  }
  return out;
}

/** The channel plan shared by `count` and `build`. */
function plan(p: DensenetOptions) {
  const stem = p.bottleneck ? 2 * p.growthRate : 16;
  return { stem, n: layersPerBlock(p), inner: 4 * p.growthRate };
}

function count(p: DensenetOptions, imageChannels: number, classes: number): number {
  const { stem, n, inner } = plan(p);
  const k = p.growthRate;
  let c = stem, total = 9 * imageChannels * stem;
  for (let blk = 0; blk < 3; blk++) {
    for (let i = 0; i < n; i++) {
      total += p.bottleneck ? 2 * c + c * inner + 2 * inner + 9 * inner * k : 2 * c + 9 * c * k;
      c += k;
    }
    if (blk < 2) {
      const next = Math.floor(c * p.compression);
      total += 2 * c + c * next;
      c = next;
    }
  }
  return total + 2 * c + c * classes + classes;
}

function buildNet(
  ctx: TfContext,
  p: DensenetOptions,
  imageShape: number[],
  classes: number,
  seed: number,
) {
  const t = ctx.tfl;
  const g = graphBuilder(t, seededInits(t, seed));
  const { stem, n, inner } = plan(p);
  const drop = (x: Sym, name: string) => (p.dropout > 0 ? g.dropout(x, p.dropout, name) : x);
  const input = t.input({ shape: imageShape, name: "image" });
  let x: Sym = g.conv(input, "conv0", stem, 3);
  const blocks: Sym[] = [];
  for (let blk = 0; blk < 3; blk++) {
    for (let i = 0; i < n; i++) {
      const name = `b${blk + 1}l${i + 1}`;
      let h = x;
      if (p.bottleneck) {
        h = g.conv(g.bnRelu(h, `${name}_pre1`), `${name}_conv1`, inner, 1);
        h = drop(h, `${name}_dropout1`);
      }
      h = g.conv(g.bnRelu(h, `${name}_pre2`), `${name}_conv2`, p.growthRate, 3);
      h = drop(h, `${name}_dropout2`);
      x = g.concat([x, h], `${name}_concat`);
    }
    blocks.push(x);
    if (blk < 2) {
      const name = `t${blk + 1}`;
      const c = Math.floor((x.shape[3] as number) * p.compression);
      x = drop(g.conv(g.bnRelu(x, `${name}_pre`), `${name}_conv`, c, 1), `${name}_dropout`);
      x = g.avgPool2(x, `${name}_pool`);
    }
  }
  x = g.bnRelu(x, "final");
  const { features, logits } = g.head(x, classes);
  const net = t.model({ inputs: input, outputs: [logits, ...blocks, features], name: "densenet" });
  return { net, blocks };
}

/** A DenseNet: `densenet({ depth: 100, growthRate: 12 })` is DenseNet-BC-100-12. */
export const densenet = defineModel(import.meta.url, "densenet", {
  domain: "image",
  defaults: DEFAULTS,
  validate: problems,
  parameterCount: (p, data) => count(p, data.imageShape![2], data.numClasses),
  build(ctx, p, data, seed) {
    const { net, blocks } = buildNet(ctx, p, data.imageShape!, data.numClasses, seed);
    return multiOutputInstance(net, [...blocks.map((_, i) => `block${i + 1}`), "features"]);
  },
});
