/**
 * Penn Treebank, Mikolov's preprocessed word-level text (10,000-word vocabulary, `<unk>` and
 * `N` already substituted), for the paper's LSTM and CNN-LSTM language models (Table 6).
 *
 * ```ts
 * const data = dataset(ptb({ chars: true })); // characters per word for the CNN-LSTM
 * ```
 *
 * @module
 */
import { defineDataset } from "../lib/plugin/define.ts";
import type { DataEnv } from "../lib/plugin/runtime.ts";
import { canonicalJson } from "../lib/util/canonical_json.ts";
import { sha256Hex } from "../lib/util/hash.ts";
import { datasetChecksums, ensureDataset, type PresentFile } from "./acquire.ts";
import { PTB_SOURCE } from "./sources.ts";
import {
  buildVocab,
  charTable,
  encode,
  type TextCorpus,
  textDataset,
  tokenize,
} from "./text_corpus.ts";

/** PTB options. */
export interface PtbOptions {
  [key: string]: boolean | number;
  /** Check files against the official MD5s (default true). */
  verify: boolean;
  /** Also give each input word's characters (CNN-LSTM, Kim et al. 2016). */
  chars: boolean;
  /** Characters per word including start/end marks; 0 = the longest training word's (default). */
  maxWordLength: number;
}

/** A loaded PTB: the corpus and the files it was read from. */
export interface PtbCorpus extends TextCorpus {
  files: PresentFile[];
}

/** Read, tokenize and encode the three files (exported for the data command and tests). */
export async function loadPtb(params: PtbOptions, env: DataEnv): Promise<PtbCorpus> {
  const files = await ensureDataset(PTB_SOURCE, { ...env, verify: env.verify && params.verify });
  const path = (split: string) => files.find((f) => f.name === `ptb.${split}.txt`)!.path;
  const tokens = await Promise.all(
    ["train", "valid", "test"].map(async (s) => tokenize(await Deno.readTextFile(path(s)))),
  );
  const vocab = buildVocab(tokens[0]);
  const [train, valid, test] = tokens.map((t, i) =>
    encode(t, vocab, path(["train", "valid", "test"][i]))
  );
  const chars = params.chars ? charTable(vocab, params.maxWordLength) : undefined;
  return { ...textDataset("ptb", vocab, { train, valid, test }, chars), files };
}

/** Penn Treebank: `ptb()`, or `ptb({ chars: true })` for character-aware models. */
export const ptb = defineDataset(import.meta.url, "ptb", {
  domain: "text",
  defaults: { verify: true, chars: false, maxWordLength: 0 } as PtbOptions,
  validate: (p) =>
    Number.isInteger(p.maxWordLength) && (p.maxWordLength === 0 || p.maxWordLength >= 3)
      ? []
      : [`maxWordLength must be 0 (automatic) or an integer of at least 3: got ${p.maxWordLength}`],
  async fingerprint(p, env) {
    const { verify: _, ...selecting } = p;
    const files = await datasetChecksums(PTB_SOURCE, { ...env, verify: env.verify && p.verify });
    return sha256Hex(canonicalJson({ dataset: "ptb", format: 1, params: selecting, files }));
  },
  load: (p, env) => loadPtb(p, env),
});
