/**
 * Dataset benchmark: load+parse time and MB/s for CIFAR-10, CIFAR-100 and PTB (from
 * ../shared/datasets beside the repository root, when present), raw CIFAR parsing and MD5 speed,
 * and batch throughput on one core (augmented training batches, evaluation batches, PTB windows
 * with characters). Data preparation must never be what limits training speed.
 *
 * `deno run --allow-all bench/datasets.ts [--json] [--data-dir DIR]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { fromFileUrl } from "../lib/util/path.ts";
import { cifar10, cifar100, type CifarOptions, loadCifar } from "../datasets/cifar.ts";
import { CIFAR10_LAYOUT, parseCifar } from "../datasets/cifar_format.ts";
import { md5Hex } from "../datasets/md5.ts";
import { loadPtb, ptb } from "../datasets/ptb.ts";
import type { ImageDataset, TextDataset } from "../lib/plugin/runtime.ts";

interface Row {
  what: string;
  seconds: number;
  rate: string;
}

const { values } = parseArgs({
  args: Deno.args,
  options: { json: { type: "boolean", default: false }, "data-dir": { type: "string" } },
});
const dataDir = values["data-dir"] ??
  fromFileUrl(new URL("../../shared/datasets", import.meta.url));
const present = await Deno.stat(dataDir).then((s) => s.isDirectory, () => false);
const rows: Row[] = [];

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
}

async function timeAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, (performance.now() - t) / 1000];
}

const mbps = (bytes: number, s: number) => `${(bytes / 1e6 / s).toFixed(0)} MB/s`;
const perSec = (n: number, s: number, unit: string) =>
  `${Math.round(n / s).toLocaleString("en-US")} ${unit}/s`;

/** Random records in the CIFAR-10 format, for when the real files are absent. */
function randomBatch(records: number): Uint8Array {
  const bytes = new Uint8Array(records * 3073);
  for (let i = 0; i < bytes.length; i += 65536) {
    crypto.getRandomValues(bytes.subarray(i, i + 65536));
  }
  for (let i = 0; i < records; i++) bytes[i * 3073] %= 10;
  return bytes;
}

const testBatch = present
  ? await Deno.readFile(join(dataDir, "cifar-10-batches-bin/test_batch.bin"))
  : randomBatch(10_000);
parseCifar(testBatch, CIFAR10_LAYOUT, "warm-up");
const [, parseS] = time(() => parseCifar(testBatch, CIFAR10_LAYOUT, "test_batch.bin"));
rows.push({
  what: "parse CIFAR-10 test batch from memory (30.7 MB)",
  seconds: parseS,
  rate: mbps(testBatch.length, parseS),
});
const [, md5S] = time(() => md5Hex(testBatch));
rows.push({
  what: "md5 of the test batch (cold verification)",
  seconds: md5S,
  rate: mbps(testBatch.length, md5S),
});

async function fileBytes(dir: string, names: string[]): Promise<number> {
  let n = 0;
  for (const f of names) n += (await Deno.stat(join(dataDir, dir, f))).size;
  return n;
}

function imageThroughput(d: ImageDataset, label: string): void {
  const batches = Math.min(40, d.batchCount("train", 128));
  const run = (train: boolean) => {
    let n = 0;
    for (const b of d.batches("train", { batchSize: 128, epoch: 1, seed: 7, train })) {
      n += b.y.length;
      if (n >= batches * 128) break;
    }
    return n;
  };
  run(true); // warm-up
  const [n, s] = time(() => run(true));
  rows.push({
    what: `${label} augmented training batches (128, crop+flip, normalised)`,
    seconds: s,
    rate: perSec(n, s, "images"),
  });
  const [m, e] = time(() => run(false));
  rows.push({
    what: `${label} evaluation batches (128, normalised)`,
    seconds: e,
    rate: perSec(m, e, "images"),
  });
}

function textThroughput(d: TextDataset): void {
  const o = { batchSize: 20, steps: 35, epoch: 0, seed: 0, train: true };
  const [tokens, s] = time(() => {
    let n = 0;
    for (const b of d.batches("train", o)) n += b.x.length;
    return n;
  });
  rows.push({
    what: "PTB train windows with characters (20 x 35), one epoch",
    seconds: s,
    rate: perSec(tokens, s, "tokens"),
  });
}

if (present) {
  const env = { dataDir, verify: false };
  // Warm the md5 sidecar so the timings below are load+parse, not first-time hashing.
  await cifar10.plugin.fingerprint({ ...cifar10.defaults }, env);
  await cifar100.plugin.fingerprint({ ...cifar100.defaults }, env);
  const [c10, s10] = await timeAsync(() =>
    loadCifar("cifar10", { ...cifar10.defaults } as CifarOptions, env)
  );
  const b10 = await fileBytes("cifar-10-batches-bin", c10.files.map((f) => f.name));
  rows.push({
    what: "load+parse CIFAR-10 (3 batches, unverified)",
    seconds: s10,
    rate: mbps(b10, s10),
  });
  const [c100, s100] = await timeAsync(() =>
    loadCifar("cifar100", { ...cifar100.defaults } as CifarOptions, env)
  );
  const b100 = await fileBytes("cifar-100-binary", c100.files.map((f) => f.name));
  rows.push({
    what: "load+parse CIFAR-100 (train+test, unverified)",
    seconds: s100,
    rate: mbps(b100, s100),
  });
  await loadPtb({ ...ptb.defaults }, { dataDir, verify: true });
  const [p, sp] = await timeAsync(() =>
    loadPtb({ ...ptb.defaults, chars: true }, { dataDir, verify: true })
  );
  const bp = await fileBytes("ptb", p.files.map((f) => f.name));
  rows.push({
    what: "load+tokenize PTB (3 files, verified, chars)",
    seconds: sp,
    rate: mbps(bp, sp),
  });
  imageThroughput(c10, "CIFAR-10");
  textThroughput(p);
} else {
  console.error(`${dataDir} not found: only in-memory parsing is measured`);
}

if (values.json) {
  console.log(JSON.stringify({ bench: "datasets", dataDir: present ? dataDir : null, rows }));
} else {
  console.log("| measurement | seconds | rate |\n|---|---:|---:|");
  for (const r of rows) console.log(`| ${r.what} | ${r.seconds.toFixed(3)} | ${r.rate} |`);
}
