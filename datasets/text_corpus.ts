/**
 * Word-level language-modelling data in the layout of Zaremba et al. (2014), which the paper's
 * PTB models follow: `<eos>` closes every line, the vocabulary comes from the training text
 * (most frequent first), each split is one token stream cut into `batchSize` parallel rows, and
 * windows of `steps` tokens are read left to right (targets are the inputs shifted by one).
 * Character-aware models (Kim et al. 2016) also get each input word's characters between start
 * and end marks.
 *
 * @module
 */
import type { Split, TextBatch, TextBatchOptions, TextDataset } from "../lib/plugin/runtime.ts";
import { DatasetError } from "./dataset_error.ts";

/** End of sentence, appended to every line. */
export const EOS = "<eos>";
/** Out-of-vocabulary word, where the corpus has one. */
export const UNK = "<unk>";

/** Split text into words, appending {@linkcode EOS} to every line. */
export function tokenize(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const out: string[] = [];
  for (const line of lines) {
    for (const word of line.split(/\s+/)) if (word) out.push(word);
    out.push(EOS);
  }
  return out;
}

/** The vocabulary of `tokens`: most frequent first, ties in code-unit order. */
export function buildVocab(tokens: string[]): string[] {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w]) => w);
}

/**
 * Token ids of `tokens`. A word outside the vocabulary becomes {@linkcode UNK} when the
 * vocabulary has it, and is an error naming `file` otherwise.
 */
export function encode(tokens: string[], vocab: string[], file: string): Int32Array {
  const index = new Map(vocab.map((w, i) => [w, i]));
  const unk = index.get(UNK);
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const id = index.get(tokens[i]) ?? unk;
    if (id === undefined) {
      throw new DatasetError(
        `${file}: token ${i} "${tokens[i]}" is not in the training vocabulary`,
        { reason: "bad-format", file },
      );
    }
    ids[i] = id;
  }
  return ids;
}

/** Character ids for every vocabulary word, `maxWordLength` per word, 0-padded. */
export interface CharTable {
  /** [vocab, maxWordLength] */
  table: Int32Array;
  maxWordLength: number;
  /** Characters including padding (0), start (1) and end (2) marks. */
  vocabSize: number;
  /** `chars[id]` for id >= 3. */
  chars: string[];
}

/** Padding, start-of-word and end-of-word character ids. */
export const CHAR_PAD = 0, CHAR_START = 1, CHAR_END = 2;

/** How a word is spelled for the character model: `<eos>` as "+", `<unk>` as "|" (Kim et al.). */
function spelling(word: string): string[] {
  return Array.from(word === EOS ? "+" : word === UNK ? "|" : word);
}

/**
 * Spell every vocabulary word as [start, characters..., end], padded to `maxWordLength`
 * (0: the longest word plus its two marks; longer words are cut, keeping the end mark).
 */
export function charTable(vocab: string[], maxWordLength = 0): CharTable {
  const spelled = vocab.map(spelling);
  const chars = [...new Set(spelled.flat())].sort();
  const id = new Map(chars.map((c, i) => [c, i + 3]));
  const max = maxWordLength || Math.max(...spelled.map((s) => s.length)) + 2;
  if (max < 3) throw new RangeError(`maxWordLength must be at least 3: got ${max}`);
  const table = new Int32Array(vocab.length * max);
  spelled.forEach((s, w) => {
    const row = w * max;
    const n = Math.min(s.length, max - 2);
    table[row] = CHAR_START;
    for (let j = 0; j < n; j++) table[row + 1 + j] = id.get(s[j])!;
    table[row + 1 + n] = CHAR_END;
  });
  return { table, maxWordLength: max, vocabSize: chars.length + 3, chars };
}

/** Windows a stream of `tokens` gives: rows of floor(tokens / batch), targets one ahead. */
export function windowCount(tokens: number, batchSize: number, steps: number): number {
  if (!(Number.isInteger(batchSize) && batchSize > 0 && Number.isInteger(steps) && steps > 0)) {
    throw new RangeError(
      `batchSize and steps must be positive integers: got ${batchSize} and ${steps}`,
    );
  }
  const rowLength = Math.floor(tokens / batchSize);
  return Math.max(0, Math.floor((rowLength - 1) / steps));
}

/**
 * Yield the windows of `ids`: row r is the stream's r-th slice of floor(n / batchSize) tokens
 * (the remainder is dropped), window w covers steps w*steps .. (w+1)*steps - 1 of every row.
 * Order never changes with seed or epoch: recurrent state is carried from window to window.
 */
export function* textBatches(
  ids: Int32Array,
  options: TextBatchOptions,
  chars?: CharTable,
): Generator<TextBatch> {
  const { batchSize: rows, steps } = options;
  const count = windowCount(ids.length, rows, steps);
  const rowLength = Math.floor(ids.length / rows);
  for (let w = options.startBatch ?? 0; w < count; w++) {
    const x = new Int32Array(rows * steps);
    const y = new Int32Array(rows * steps);
    for (let r = 0; r < rows; r++) {
      const from = r * rowLength + w * steps;
      x.set(ids.subarray(from, from + steps), r * steps);
      y.set(ids.subarray(from + 1, from + steps + 1), r * steps);
    }
    const batch: TextBatch = { x, y, shape: [rows, steps] };
    if (chars) {
      const m = chars.maxWordLength;
      const c = new Int32Array(rows * steps * m);
      for (let i = 0; i < x.length; i++) {
        c.set(chars.table.subarray(x[i] * m, (x[i] + 1) * m), i * m);
      }
      batch.chars = c;
      batch.maxWordLength = m;
    }
    yield batch;
  }
}

/** A loaded corpus: the plugin interface plus the vocabulary, for reports and the data command. */
export interface TextCorpus extends TextDataset {
  vocab: string[];
  /** Token ids of each split. */
  ids: Partial<Record<Split, Int32Array>>;
}

/** Build a {@linkcode TextDataset} from encoded splits. */
export function textDataset(
  name: string,
  vocab: string[],
  ids: Partial<Record<Split, Int32Array>>,
  chars?: CharTable,
): TextCorpus {
  const get = (split: Split): Int32Array => {
    const s = ids[split];
    if (!s) throw new RangeError(`${name} has no ${split} split`);
    return s;
  };
  const size: Partial<Record<Split, number>> = {};
  for (const [k, s] of Object.entries(ids)) size[k as Split] = s.length;
  return {
    domain: "text",
    name,
    vocabSize: vocab.length,
    chars: chars && { maxWordLength: chars.maxWordLength, vocabSize: chars.vocabSize },
    size,
    vocab,
    ids,
    batchCount: (split, o) => windowCount(get(split).length, o.batchSize, o.steps),
    batches: (split, o) => textBatches(get(split), o, chars),
  };
}
