/**
 * A tiny, learnable image dataset generated from a seed: each class has a random prototype
 * image; examples are the prototype plus Gaussian noise. For smoke runs and tests.
 *
 * @module
 */
import { defineDataset } from "../lib/plugin/define.ts";
import type { ImageBatch, ImageDataset, Split } from "../lib/plugin/runtime.ts";
import { mixSeed, mulberry32, normal, permutation } from "../lib/util/rng.ts";
import { sha256Hex } from "../lib/util/hash.ts";
import { canonicalJson } from "../lib/util/canonical_json.ts";

/** Synthetic image options. */
export interface SyntheticImagesOptions {
  [key: string]: number;
  classes: number;
  train: number;
  test: number;
  /** Image side in pixels (square, 3 channels). */
  size: number;
  /** Noise standard deviation relative to the prototypes' (1). */
  noise: number;
  seed: number;
}

function generate(p: SyntheticImagesOptions, n: number, salt: number) {
  const dim = p.size * p.size * 3;
  const protoRand = mulberry32(mixSeed(p.seed, 7));
  const protos = new Float32Array(p.classes * dim).map(() => normal(protoRand));
  const r = mulberry32(mixSeed(p.seed, salt));
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % p.classes;
    y[i] = c;
    for (let j = 0; j < dim; j++) x[i * dim + j] = protos[c * dim + j] + p.noise * normal(r);
  }
  return { x, y };
}

/** Synthetic images: `synthetic({ classes: 4 })`. */
export const syntheticImages = defineDataset(import.meta.url, "syntheticImages", {
  domain: "image",
  defaults: {
    classes: 4,
    train: 256,
    test: 128,
    size: 8,
    noise: 5,
    seed: 1,
  } as SyntheticImagesOptions,
  validate: (p) =>
    (["classes", "train", "test", "size"] as const)
      .filter((k) => !(Number.isInteger(p[k]) && p[k] > 0))
      .map((k) => `${k} must be a positive integer: got ${p[k]}`),
  fingerprint: (p) => Promise.resolve(sha256Hex(`syntheticImages:${canonicalJson(p)}`)),
  load(p): Promise<ImageDataset> {
    const data: Record<"train" | "test", { x: Float32Array; y: Int32Array }> = {
      train: generate(p, p.train, 1),
      test: generate(p, p.test, 2),
    };
    const dim = p.size * p.size * 3;
    const size = { train: p.train, test: p.test };
    return Promise.resolve({
      domain: "image",
      name: "syntheticImages",
      numClasses: p.classes,
      imageShape: [p.size, p.size, 3],
      size,
      batchCount: (split: Split, b: number) => Math.ceil((size[split as "train"] ?? 0) / b),
      *batches(split: Split, o): Iterable<ImageBatch> {
        if (split === "valid") throw new Error("syntheticImages has no validation split");
        const { x, y } = data[split];
        const n = y.length;
        const order = o.train ? permutation(n, mulberry32(mixSeed(o.seed, o.epoch))) : null;
        for (let b = o.startBatch ?? 0; b * o.batchSize < n; b++) {
          const m = Math.min(o.batchSize, n - b * o.batchSize);
          const bx = new Float32Array(m * dim), by = new Int32Array(m);
          for (let i = 0; i < m; i++) {
            const src = order ? order[b * o.batchSize + i] : b * o.batchSize + i;
            bx.set(x.subarray(src * dim, (src + 1) * dim), i * dim);
            by[i] = y[src];
          }
          yield { x: bx, y: by, shape: [m, p.size, p.size, 3] };
        }
      },
    });
  },
});
