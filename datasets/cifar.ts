/**
 * CIFAR-10 and CIFAR-100 (Krizhevsky 2009) from the official binary files, with the
 * preprocessing of Furlanello et al. 2018 (after the Wide-ResNet recipe): per-channel mean/std
 * normalisation from the training set, and reflection-pad-4 random crops with horizontal flips.
 *
 * ```ts
 * const data = dataset(cifar100({ augment: "crop+flip", validation: 5000 }));
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { defineDataset } from "../lib/plugin/define.ts";
import type { DataEnv, ImageBatchOptions, ImageDataset, Split } from "../lib/plugin/runtime.ts";
import { canonicalJson } from "../lib/util/canonical_json.ts";
import { sha256Hex } from "../lib/util/hash.ts";
import { datasetChecksums, ensureDataset, type PresentFile } from "./acquire.ts";
import {
  CIFAR100_LAYOUT,
  CIFAR10_LAYOUT,
  type CifarLayout,
  type CifarRecords,
  concatRecords,
  parseCifar,
  parseNames,
} from "./cifar_format.ts";
import { DatasetError } from "./dataset_error.ts";
import {
  type Augment,
  AUGMENTS,
  channelStats,
  imageBatches,
  type ImageSplit,
  normalizeLut,
} from "./image_batches.ts";
import { CIFAR100_SOURCE, CIFAR10_SOURCE, type DatasetSource } from "./sources.ts";

/** Options shared by both CIFAR datasets. Defaults follow the paper. */
export interface CifarOptions {
  [key: string]: string | number | boolean;
  /** Check files against the official MD5s (default true); off, the bytes are fingerprinted. */
  verify: boolean;
  /** Training examples to use, the first ones after the validation split (0 = all). */
  train: number;
  /** Test examples to use, the first ones (0 = all). */
  test: number;
  /** Examples held out of the training files, the last ones, as the `valid` split (0 = none). */
  validation: number;
  /** Training augmentation: "crop+flip" (default), "crop", "flip" or "none". */
  augment: string;
  /** Reflection padding before the random crop, in pixels (default 4). */
  pad: number;
  /** Per-channel mean/std normalisation from the training split (default true); off: v / 255. */
  normalize: boolean;
}

/** CIFAR-100 options: which label to learn. */
export interface Cifar100Options extends CifarOptions {
  /** "fine" (100 classes, default) or "coarse" (20 superclasses). */
  labels: string;
}

const CIFAR_DEFAULTS: CifarOptions = {
  verify: true,
  train: 0,
  test: 0,
  validation: 0,
  augment: "crop+flip",
  pad: 4,
  normalize: true,
};

/** A loaded CIFAR dataset: the plugin interface plus what reports and the data command show. */
export interface CifarDataset extends ImageDataset {
  /** Per-channel mean and standard deviation (byte units) of the training split. */
  stats: { mean: number[]; std: number[] };
  /** The files read. */
  files: PresentFile[];
  /** Labels of a split, for histograms. */
  labels(split: Split): Int32Array;
}

function validateCommon(p: CifarOptions): string[] {
  const problems = (["train", "test", "validation"] as const)
    .filter((k) => !(Number.isInteger(p[k]) && p[k] >= 0))
    .map((k) => `${k} must be a non-negative integer: got ${p[k]}`);
  if (!AUGMENTS.includes(p.augment as Augment)) {
    problems.push(`augment must be one of ${AUGMENTS.join(", ")}: got "${p.augment}"`);
  }
  if (!(Number.isInteger(p.pad) && p.pad >= 0 && p.pad < 32)) {
    problems.push(`pad must be an integer from 0 to 31: got ${p.pad}`);
  }
  return problems;
}

interface Variant {
  name: "cifar10" | "cifar100";
  source: DatasetSource;
  layout: CifarLayout;
  trainFiles: (files: PresentFile[]) => PresentFile[];
  testFile: string;
  /** Label byte to learn and where its class names are. */
  label: (p: CifarOptions) => { index: number; classes: number; namesFile: string };
}

const CIFAR10: Variant = {
  name: "cifar10",
  source: CIFAR10_SOURCE,
  layout: CIFAR10_LAYOUT,
  trainFiles: (files) => files.filter((f) => f.name.startsWith("data_batch_")),
  testFile: "test_batch.bin",
  label: () => ({ index: 0, classes: 10, namesFile: "batches.meta.txt" }),
};

const CIFAR100: Variant = {
  name: "cifar100",
  source: CIFAR100_SOURCE,
  layout: CIFAR100_LAYOUT,
  trainFiles: (files) => files.filter((f) => f.name === "train.bin"),
  testFile: "test.bin",
  label: (p) =>
    p.labels === "coarse"
      ? { index: 0, classes: 20, namesFile: "coarse_label_names.txt" }
      : { index: 1, classes: 100, namesFile: "fine_label_names.txt" },
};

async function readRecords(files: PresentFile[], layout: CifarLayout): Promise<CifarRecords> {
  const parts = await Promise.all(
    files.map(async (f) => parseCifar(await Deno.readFile(f.path), layout, f.path)),
  );
  return concatRecords(parts);
}

function slice(records: CifarRecords, label: number, from: number, to: number): ImageSplit {
  const dim = records.images.length / records.count;
  return {
    count: to - from,
    images: records.images.subarray(from * dim, to * dim),
    labels: Int32Array.from(records.labels[label].subarray(from, to)),
  };
}

/** Parse the files and build the dataset (exported for the data command and tests). */
export async function loadCifar(
  variant: "cifar10" | "cifar100",
  params: CifarOptions,
  env: DataEnv,
): Promise<CifarDataset> {
  const v = variant === "cifar10" ? CIFAR10 : CIFAR100;
  const verify = env.verify && params.verify;
  const files = await ensureDataset(v.source, { ...env, verify });
  const byName = (name: string) => files.find((f) => f.name === name)!;
  const { index, classes, namesFile } = v.label(params);
  const dir = join(env.dataDir, v.source.dir);
  const classNames = parseNames(
    await Deno.readTextFile(byName(namesFile).path),
    classes,
    join(dir, namesFile),
  );
  const [all, testAll] = await Promise.all([
    readRecords(v.trainFiles(files), v.layout),
    readRecords([byName(v.testFile)], v.layout),
  ]);

  const held = params.validation;
  const rest = all.count - held;
  if (rest <= 0) {
    throw new DatasetError(
      `${v.name}: validation ${held} leaves no training examples (${all.count} in ${dir})`,
      { reason: "bad-format", file: dir },
    );
  }
  const nTrain = params.train || rest;
  const nTest = params.test || testAll.count;
  if (nTrain > rest || nTest > testAll.count) {
    const [what, want, have] = nTrain > rest
      ? ["train", nTrain, `${rest} training records remain after validation ${held}`]
      : ["test", nTest, `${testAll.count} test records`];
    throw new DatasetError(`${v.name}: ${what} ${want} asks for more than the ${have} in ${dir}`, {
      reason: "bad-format",
      file: dir,
    });
  }
  const splits: Partial<Record<Split, ImageSplit>> = {
    train: slice(all, index, 0, nTrain),
    test: slice(testAll, index, 0, nTest),
  };
  if (held > 0) splits.valid = slice(all, index, rest, all.count);

  const stats = channelStats(splits.train!.images, 3);
  const lut = params.normalize ? normalizeLut(stats.mean, stats.std) : normalizeLut(
    [0, 0, 0],
    [255, 255, 255],
  );
  const cfg = {
    height: 32,
    width: 32,
    channels: 3,
    augment: params.augment as Augment,
    pad: params.pad,
    lut,
  };
  const get = (split: Split): ImageSplit => {
    const s = splits[split];
    if (!s) {
      throw new RangeError(`${v.name} has no ${split} split: set validation > 0 to hold one out`);
    }
    return s;
  };
  const size: Partial<Record<Split, number>> = {};
  for (const [k, s] of Object.entries(splits)) size[k as Split] = s.count;
  return {
    domain: "image",
    name: v.name,
    numClasses: classes,
    classNames,
    imageShape: [32, 32, 3],
    size,
    stats,
    files,
    labels: (split) => get(split).labels,
    batchCount: (split, batchSize) => Math.ceil(get(split).count / batchSize),
    batches: (split: Split, options: ImageBatchOptions) => imageBatches(get(split), options, cfg),
  };
}

async function fingerprint(
  variant: "cifar10" | "cifar100",
  params: CifarOptions,
  env: DataEnv,
): Promise<string> {
  const source = variant === "cifar10" ? CIFAR10_SOURCE : CIFAR100_SOURCE;
  const { verify: _, ...selecting } = params;
  const files = await datasetChecksums(source, { ...env, verify: env.verify && params.verify });
  return sha256Hex(canonicalJson({ dataset: variant, format: 1, params: selecting, files }));
}

/** CIFAR-10: `cifar10({ validation: 5000 })`. */
export const cifar10 = defineDataset(import.meta.url, "cifar10", {
  domain: "image",
  defaults: CIFAR_DEFAULTS,
  validate: validateCommon,
  fingerprint: (p, env) => fingerprint("cifar10", p, env),
  load: (p, env) => loadCifar("cifar10", p, env),
});

/** CIFAR-100, fine labels by default: `cifar100({ labels: "coarse" })`. */
export const cifar100 = defineDataset(import.meta.url, "cifar100", {
  domain: "image",
  defaults: { ...CIFAR_DEFAULTS, labels: "fine" } as Cifar100Options,
  validate: (p) => [
    ...validateCommon(p),
    ...(p.labels === "fine" || p.labels === "coarse"
      ? []
      : [`labels must be "fine" or "coarse": got "${p.labels}"`]),
  ],
  fingerprint: (p, env) => fingerprint("cifar100", p, env),
  load: (p, env) => loadCifar("cifar100", p, env),
});
