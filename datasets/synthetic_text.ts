/**
 * A tiny, learnable text dataset generated from a seed: sentences from a random Markov chain
 * in which every word has only `branching` possible successors, so a language model can get far
 * below the uniform perplexity (the vocabulary size). For smoke runs and tests.
 *
 * @module
 */
import { defineDataset } from "../lib/plugin/define.ts";
import { canonicalJson } from "../lib/util/canonical_json.ts";
import { sha256Hex } from "../lib/util/hash.ts";
import { mixSeed, mulberry32 } from "../lib/util/rng.ts";
import { charTable, EOS, type TextCorpus, textDataset } from "./text_corpus.ts";

/** Synthetic text options. */
export interface SyntheticTextOptions {
  [key: string]: number | boolean;
  /** Words including `<eos>`. */
  vocab: number;
  /** Tokens per split. */
  train: number;
  valid: number;
  test: number;
  /** Successors each word can have. */
  branching: number;
  /** Longest sentence; `<eos>` is forced after it. */
  maxSentence: number;
  /** Give characters per word, as `ptb({ chars: true })` does. */
  chars: boolean;
  seed: number;
}

interface Chain {
  words: string[];
  /** For each word, its successors and their cumulative probabilities. */
  next: { to: Int32Array; cdf: Float64Array }[];
}

function makeChain(p: SyntheticTextOptions): Chain {
  const r = mulberry32(mixSeed(p.seed, 11));
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const seen = new Set<string>([EOS]);
  const words = [EOS];
  while (words.length < p.vocab) {
    const len = 2 + Math.floor(r() * 4);
    let w = "";
    for (let i = 0; i < len; i++) w += letters[Math.floor(r() * letters.length)];
    if (!seen.has(w)) seen.add(w), words.push(w);
  }
  const next = words.map(() => {
    const to = new Int32Array(p.branching);
    const weights = new Float64Array(p.branching);
    for (let k = 0; k < p.branching; k++) {
      to[k] = Math.floor(r() * p.vocab);
      weights[k] = 0.2 + r();
    }
    const total = weights.reduce((a, b) => a + b, 0);
    const cdf = new Float64Array(p.branching);
    let acc = 0;
    weights.forEach((w, k) => cdf[k] = acc += w / total);
    return { to, cdf };
  });
  return { words, next };
}

function generate(chain: Chain, p: SyntheticTextOptions, n: number, salt: number): Int32Array {
  const r = mulberry32(mixSeed(p.seed, salt));
  const ids = new Int32Array(n);
  let prev = 0, length = 0;
  for (let i = 0; i < n; i++) {
    let id = 0;
    if (length < p.maxSentence && i < n - 1) {
      const { to, cdf } = chain.next[prev];
      const u = r();
      let k = 0;
      while (k < cdf.length - 1 && u >= cdf[k]) k++;
      id = to[k];
    }
    ids[i] = id;
    length = id === 0 ? 0 : length + 1;
    prev = id;
  }
  return ids;
}

/** Build the corpus (exported for tests). */
export function makeSyntheticText(p: SyntheticTextOptions): TextCorpus {
  const chain = makeChain(p);
  const ids = {
    train: generate(chain, p, p.train, 1),
    valid: generate(chain, p, p.valid, 2),
    test: generate(chain, p, p.test, 3),
  };
  const chars = p.chars ? charTable(chain.words) : undefined;
  return textDataset("syntheticText", chain.words, ids, chars);
}

/** Synthetic text: `syntheticText({ vocab: 16 })`. */
export const syntheticText = defineDataset(import.meta.url, "syntheticText", {
  domain: "text",
  defaults: {
    vocab: 12,
    train: 4000,
    valid: 400,
    test: 400,
    branching: 2,
    maxSentence: 12,
    chars: false,
    seed: 1,
  } as SyntheticTextOptions,
  validate: (p) => [
    ...(["vocab", "train", "valid", "test", "branching", "maxSentence"] as const)
      .filter((k) => !(Number.isInteger(p[k]) && (p[k] as number) > 0))
      .map((k) => `${k} must be a positive integer: got ${p[k]}`),
    ...(p.vocab >= 2 ? [] : [`vocab must be at least 2 (a word and <eos>): got ${p.vocab}`]),
  ],
  fingerprint: (p) => Promise.resolve(sha256Hex(`syntheticText:${canonicalJson(p)}`)),
  load: (p) => Promise.resolve(makeSyntheticText(p)),
});
