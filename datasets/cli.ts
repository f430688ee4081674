/**
 * `deno task data <name> [--data-dir DIR] [--no-verify] [--base-url URL] [--json]`: make sure a
 * dataset is present (downloading it if needed) and print what a researcher checks first:
 * files and checksums, record counts, label histograms and per-channel mean/std (images), or
 * vocabulary size and token counts (text).
 *
 * @module
 */
import { join } from "node:path";
import { parseStrictArgs } from "../lib/cli/args.ts";
import { closest } from "../lib/util/suggest.ts";
import type { DataEnv, Split } from "../lib/plugin/runtime.ts";
import { cifar10, cifar100, type CifarDataset, loadCifar } from "./cifar.ts";
import { resolveDataDir } from "./data_dir.ts";
import { DatasetError } from "./dataset_error.ts";
import { cachedMd5 } from "./md5.ts";
import { loadPtb, ptb } from "./ptb.ts";
import { EOS, type TextCorpus, UNK } from "./text_corpus.ts";
import type { PresentFile } from "./acquire.ts";
import { CIFAR100_SOURCE, CIFAR10_SOURCE, type DatasetSource, PTB_SOURCE } from "./sources.ts";

const USAGE = "Usage: deno task data <cifar10|cifar100|ptb> [--data-dir DIR] [--no-verify] " +
  "[--base-url URL] [--json]";

const HELP = `${USAGE}

Make sure a dataset is present (downloading what is missing, checked against the official
checksums) and print its files, checksums, record counts, label histograms and per-channel
mean/std (images), or vocabulary and token counts (text).

options:
  --data-dir DIR   where the datasets live (default $BORN_AGAIN_DATA or ~/.cache/born-again/data)
  --no-verify      accept files that differ from the official checksums (subsets, re-encodings)
  --base-url URL   download from this mirror instead of the canonical URLs
  --json           print the report as one JSON object on stdout
  --help, -h       print this help`;

const OPTIONS = {
  "data-dir": { type: "string" },
  "no-verify": { type: "boolean", default: false },
  "base-url": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

const SOURCES: Record<string, DatasetSource> = {
  cifar10: CIFAR10_SOURCE,
  cifar100: CIFAR100_SOURCE,
  ptb: PTB_SOURCE,
};

interface FileReport {
  name: string;
  bytes: number;
  md5: string;
  officialMd5: string | null;
}

const fmt = (n: number) => n.toLocaleString("en-US");

async function fileReports(files: PresentFile[]): Promise<FileReport[]> {
  return await Promise.all(files.map(async (f) => ({
    name: f.name,
    bytes: f.size,
    md5: await cachedMd5(f.path),
    officialMd5: f.officialMd5,
  })));
}

function histogram(d: CifarDataset, split: Split): Record<string, number> {
  const counts = new Array(d.numClasses).fill(0);
  for (const l of d.labels(split)) counts[l]++;
  return Object.fromEntries(counts.map((c, i) => [d.classNames?.[i] ?? String(i), c]));
}

function imageReport(d: CifarDataset) {
  const splits = Object.keys(d.size) as Split[];
  return {
    records: d.size,
    classes: d.numClasses,
    histogram: Object.fromEntries(splits.map((s) => [s, histogram(d, s)])),
    mean: d.stats.mean.map((m) => m / 255),
    std: d.stats.std.map((s) => s / 255),
  };
}

function textReport(d: TextCorpus) {
  const eos = d.vocab.indexOf(EOS), unk = d.vocab.indexOf(UNK);
  const count = (ids: Int32Array, id: number) => ids.reduce((n, t) => n + (t === id ? 1 : 0), 0);
  return {
    vocabSize: d.vocabSize,
    tokens: d.size,
    lines: Object.fromEntries(Object.entries(d.ids).map(([s, ids]) => [s, count(ids, eos)])),
    unk: Object.fromEntries(Object.entries(d.ids).map(([s, ids]) => [s, count(ids, unk)])),
    mostFrequent: d.vocab.slice(0, 10),
  };
}

function printFiles(title: string, dir: string, verify: boolean, files: FileReport[]): void {
  console.log(`${title} in ${dir} (verification ${verify ? "on" : "off"})\n`);
  console.log("| file | bytes | md5 | official md5 |\n|---|---:|---|---|");
  for (const f of files) {
    const official = f.officialMd5 === null
      ? "(not checked)"
      : f.officialMd5 === f.md5
      ? "matches"
      : `differs: ${f.officialMd5}`;
    console.log(`| ${f.name} | ${fmt(f.bytes)} | ${f.md5} | ${official} |`);
  }
  console.log();
}

function printImages(r: ReturnType<typeof imageReport>): void {
  console.log(
    `records: ${Object.entries(r.records).map(([s, n]) => `${s} ${fmt(n!)}`).join(", ")}`,
  );
  for (const [split, h] of Object.entries(r.histogram)) {
    const values = Object.values(h);
    console.log(
      `\nlabels (${split}, ${r.classes} classes, min ${fmt(Math.min(...values))}, ` +
        `max ${fmt(Math.max(...values))}):`,
    );
    const cells = Object.entries(h).map(([name, n]) => `${name} ${fmt(n)}`);
    for (let i = 0; i < cells.length; i += 10) {
      console.log(`  ${cells.slice(i, i + 10).join(", ")}`);
    }
  }
  const ch = ["R", "G", "B"];
  console.log(
    `\nper-channel mean / std (train, 0-1): ${
      r.mean.map((m, c) => `${ch[c]} ${m.toFixed(4)} / ${r.std[c].toFixed(4)}`).join(", ")
    }`,
  );
}

function printText(r: ReturnType<typeof textReport>): void {
  console.log(`vocabulary: ${fmt(r.vocabSize)} words (most frequent: ${r.mostFrequent.join(" ")})`);
  console.log("\n| split | tokens (with <eos>) | lines | <unk> |\n|---|---:|---:|---:|");
  for (const [s, n] of Object.entries(r.tokens)) {
    console.log(`| ${s} | ${fmt(n!)} | ${fmt(r.lines[s])} | ${fmt(r.unk[s])} |`);
  }
}

/** Run the command with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const parsed = parseStrictArgs(args, OPTIONS, USAGE);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const name = positionals[0];
  if (positionals.length !== 1 || !Object.hasOwn(SOURCES, name)) {
    const guess = positionals.length === 1 ? closest(name, Object.keys(SOURCES)) : undefined;
    console.error(
      positionals.length !== 1
        ? USAGE
        : `Unknown dataset "${name}": available are ${Object.keys(SOURCES).join(", ")}` +
          (guess ? `; did you mean ${guess}?` : ""),
    );
    return 2;
  }
  const verify = !values["no-verify"];
  const env: DataEnv = {
    dataDir: resolveDataDir(values["data-dir"]),
    verify,
    baseUrl: values["base-url"],
    progress: (m) => console.error(m),
  };
  const dir = join(env.dataDir, SOURCES[name].dir);
  try {
    let report: Record<string, unknown>;
    let files: FileReport[];
    if (name === "ptb") {
      const d = await loadPtb({ ...ptb.defaults }, env);
      files = await fileReports(d.files);
      report = textReport(d);
    } else {
      const defaults = name === "cifar10" ? cifar10.defaults : cifar100.defaults;
      const d = await loadCifar(name as "cifar10" | "cifar100", { ...defaults }, env);
      files = await fileReports(d.files);
      report = imageReport(d);
    }
    if (values.json) {
      console.log(JSON.stringify({ dataset: name, dir, verify, files, ...report }));
    } else {
      printFiles(SOURCES[name].title, dir, verify, files);
      if (name === "ptb") printText(report as ReturnType<typeof textReport>);
      else printImages(report as ReturnType<typeof imageReport>);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    if (values.json) {
      console.log(
        JSON.stringify({
          dataset: name,
          error: { reason: e.reason, file: e.file, message: e.message },
        }),
      );
    } else console.error(`error: ${e.message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
