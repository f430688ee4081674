/**
 * Batches from uint8 images (NHWC): shuffling, the paper's augmentation and normalisation, all
 * a pure function of (seed, epoch, example index), so a resumed run sees the same batches.
 *
 * Augmentation (Furlanello et al. 2018, after the Wide-ResNet recipe): pad by `pad` pixels with
 * reflection, take a random crop of the original size, flip horizontally with probability 1/2.
 *
 * @module
 */
import type { ImageBatch, ImageBatchOptions } from "../lib/plugin/runtime.ts";
import { mixSeed, mulberry32, permutation } from "../lib/util/rng.ts";

/** Which augmentations training batches get. */
export type Augment = "crop+flip" | "crop" | "flip" | "none";

/** Accepted `augment` values. */
export const AUGMENTS: readonly Augment[] = ["crop+flip", "crop", "flip", "none"];

/** One split's examples. */
export interface ImageSplit {
  count: number;
  /** [count, height, width, channels] bytes. */
  images: Uint8Array;
  labels: Int32Array;
}

/** How to turn bytes into a batch. */
export interface ImageBatchConfig {
  height: number;
  width: number;
  channels: number;
  augment: Augment;
  pad: number;
  /** Lookup table: `lut[c * 256 + v]` is byte `v` of channel `c`, normalised. */
  lut: Float32Array;
}

/** Per-channel mean and standard deviation of bytes, in byte units (0-255). */
export function channelStats(
  images: Uint8Array,
  channels: number,
): { mean: number[]; std: number[] } {
  // A histogram per channel: exact, and one increment per byte.
  const hist = new Float64Array(channels * 256);
  for (let i = 0, c = 0; i < images.length; i++) {
    hist[c * 256 + images[i]]++;
    if (++c === channels) c = 0;
  }
  const mean: number[] = [], std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let n = 0, s = 0, s2 = 0;
    for (let v = 0; v < 256; v++) {
      const h = hist[c * 256 + v];
      n += h;
      s += h * v;
      s2 += h * v * v;
    }
    const m = n ? s / n : 0;
    mean.push(m);
    std.push(n ? Math.sqrt(Math.max(0, s2 / n - m * m)) : 1);
  }
  return { mean, std };
}

/** The lookup table for `(v - mean[c]) / std[c]` (byte units). */
export function normalizeLut(mean: number[], std: number[]): Float32Array {
  const lut = new Float32Array(mean.length * 256);
  for (let c = 0; c < mean.length; c++) {
    const inv = 1 / (std[c] || 1);
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v - mean[c]) * inv;
  }
  return lut;
}

/** Reflect an index into [0, n) without repeating the edge (numpy "reflect"). */
function reflect(i: number, n: number): number {
  return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
}

/** Where an example's crop starts (in padded coordinates, 0..2*pad) and whether it is flipped. */
export interface AugmentDraw {
  dx: number;
  dy: number;
  flip: boolean;
}

/** The augmentation of example `index` in `epoch`: the same every time it is asked for. */
export function augmentDraw(
  seed: number,
  epoch: number,
  index: number,
  pad: number,
  augment: Augment,
): AugmentDraw {
  const r = mulberry32(mixSeed(seed, epoch, index, 0x61756720));
  const dx = Math.floor(r() * (2 * pad + 1));
  const dy = Math.floor(r() * (2 * pad + 1));
  const flip = r() < 0.5;
  const crop = augment === "crop+flip" || augment === "crop";
  return {
    dx: crop ? dx : pad,
    dy: crop ? dy : pad,
    flip: (augment === "crop+flip" || augment === "flip") && flip,
  };
}

/**
 * Write one image, cropped at (dx, dy) from its reflection-padded version and maybe flipped,
 * normalised through `lut`, into `dst` at `dstOff`.
 */
export function augmentInto(
  src: Uint8Array,
  srcOff: number,
  dst: Float32Array,
  dstOff: number,
  cfg: ImageBatchConfig,
  draw: AugmentDraw,
): void {
  const { height: h, width: w, channels: ch, lut, pad } = cfg;
  let o = dstOff;
  for (let y = 0; y < h; y++) {
    const row = srcOff + reflect(y + draw.dy - pad, h) * w * ch;
    for (let x = 0; x < w; x++) {
      const sx = reflect((draw.flip ? w - 1 - x : x) + draw.dx - pad, w);
      const s = row + sx * ch;
      for (let c = 0; c < ch; c++) dst[o++] = lut[c * 256 + src[s + c]];
    }
  }
}

/** Copy one image unchanged (but normalised). */
function copyInto(
  src: Uint8Array,
  srcOff: number,
  dst: Float32Array,
  dstOff: number,
  n: number,
  cfg: ImageBatchConfig,
): void {
  const { channels: ch, lut } = cfg;
  for (let i = 0, c = 0; i < n; i++) {
    dst[dstOff + i] = lut[c * 256 + src[srcOff + i]];
    if (++c === ch) c = 0;
  }
}

/** The example order of an epoch: shuffled from (seed, epoch) when training. */
export function epochOrder(count: number, options: ImageBatchOptions): Int32Array | null {
  return options.train
    ? permutation(count, mulberry32(mixSeed(options.seed, options.epoch)))
    : null;
}

/**
 * Yield batches of `split`: shuffled and augmented when `options.train`, in file order
 * otherwise; the last batch may be smaller. `startBatch` skips batches without computing them.
 */
export function* imageBatches(
  split: ImageSplit,
  options: ImageBatchOptions,
  cfg: ImageBatchConfig,
): Generator<ImageBatch> {
  const { count, images, labels } = split;
  const { batchSize, seed, epoch } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`batchSize must be a positive integer: got ${batchSize}`);
  }
  const dim = cfg.height * cfg.width * cfg.channels;
  const order = epochOrder(count, options);
  const augment = options.train && cfg.augment !== "none";
  for (let b = options.startBatch ?? 0; b * batchSize < count; b++) {
    const m = Math.min(batchSize, count - b * batchSize);
    const x = new Float32Array(m * dim);
    const y = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const at = b * batchSize + i;
      const src = order ? order[at] : at;
      y[i] = labels[src];
      if (augment) {
        const draw = augmentDraw(seed, epoch, src, cfg.pad, cfg.augment);
        augmentInto(images, src * dim, x, i * dim, cfg, draw);
      } else {
        copyInto(images, src * dim, x, i * dim, dim, cfg);
      }
    }
    yield { x, y, shape: [m, cfg.height, cfg.width, cfg.channels] };
  }
}
