import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "./assert.ts";
import { join } from "node:path";
import { loadPtb, ptb } from "../../datasets/ptb.ts";
import { makeSyntheticText, syntheticText } from "../../datasets/synthetic_text.ts";
import {
  buildVocab,
  CHAR_END,
  CHAR_START,
  charTable,
  encode,
  textBatches,
  tokenize,
} from "../../datasets/text_corpus.ts";
import { DatasetError } from "../../datasets/dataset_error.ts";
import { tempDataDir } from "./fixtures.ts";

const PTB_TRAIN = " the cat sat \n the dog <unk> \n\n a cat \n";
const PTB_VALID = " the zebra \n";
const PTB_TEST = " a dog sat";

async function ptbDir(valid = PTB_VALID): Promise<string> {
  const dir = await tempDataDir();
  await Deno.mkdir(join(dir, "ptb"));
  await Deno.writeTextFile(join(dir, "ptb/ptb.train.txt"), PTB_TRAIN);
  await Deno.writeTextFile(join(dir, "ptb/ptb.valid.txt"), valid);
  await Deno.writeTextFile(join(dir, "ptb/ptb.test.txt"), PTB_TEST);
  return dir;
}

Deno.test("tokenize ends every line, empty or unterminated, with <eos>", () => {
  assertEquals(tokenize(PTB_TRAIN), [
    ..."the cat sat <eos> the dog <unk> <eos> <eos> a cat <eos>".split(" "),
  ]);
  assertEquals(tokenize(" a  b"), ["a", "b", "<eos>"]);
});

Deno.test("the vocabulary is most frequent first, ties in code-unit order", () => {
  assertEquals(buildVocab(tokenize(PTB_TRAIN)), [
    "<eos>",
    "cat",
    "the",
    "<unk>",
    "a",
    "dog",
    "sat",
  ]);
});

Deno.test("ptb counts on a fixture corpus are exact; unknown words become <unk>", async () => {
  const d = await loadPtb({ ...ptb.defaults, verify: false }, {
    dataDir: await ptbDir(),
    verify: true,
  });
  assertEquals(d.size, { train: 12, valid: 3, test: 4 });
  assertEquals(d.vocabSize, 7);
  assertEquals([...d.ids.valid!].map((i) => d.vocab[i]), ["the", "<unk>", "<eos>"]);
  assertEquals([...d.ids.test!].map((i) => d.vocab[i]), ["a", "dog", "sat", "<eos>"]);
});

Deno.test("a word outside a vocabulary without <unk> is an error naming the file", () => {
  const e = assertThrows(() => encode(["a", "zebra"], ["a", "<eos>"], "v.txt"), DatasetError);
  assertMatch(e.message, /v\.txt: token 1 "zebra" is not in the training vocabulary/);
});

Deno.test("ptb with verification on rejects files that are not the official ones", async () => {
  const dir = await ptbDir();
  const e = await assertRejects(
    () => loadPtb({ ...ptb.defaults }, { dataDir: dir, verify: true }),
    DatasetError,
  );
  assertMatch(e.message, /ptb\.train\.txt.*f26c4b92c5fdc7b3f8c7cdcb991d8420/);
  // Planning refuses them too, before any training.
  await assertRejects(
    () => ptb.plugin.fingerprint({ ...ptb.defaults }, { dataDir: dir, verify: true }),
    DatasetError,
  );
  // Verified fingerprints are the official list: the same wherever the (absent) data would go.
  assertEquals(
    await ptb.plugin.fingerprint({ ...ptb.defaults }, { dataDir: "/nowhere", verify: true }),
    await ptb.plugin.fingerprint({ ...ptb.defaults }, { dataDir: "/elsewhere", verify: true }),
  );
});

Deno.test("text batches are the stream cut into rows, read in windows, targets one ahead", () => {
  const ids = Int32Array.from({ length: 23 }, (_, i) => i);
  // 2 rows of 11 tokens (22 dropped), windows of 3: floor((11 - 1) / 3) = 3.
  const o = { batchSize: 2, steps: 3, epoch: 0, seed: 0, train: true };
  const bs = [...textBatches(ids, o)];
  assertEquals(bs.length, 3);
  assertEquals([...bs[0].x], [0, 1, 2, 11, 12, 13]);
  assertEquals([...bs[0].y], [1, 2, 3, 12, 13, 14]);
  assertEquals([...bs[2].x], [6, 7, 8, 17, 18, 19]);
  assertEquals([...bs[2].y], [7, 8, 9, 18, 19, 20]);
  assertEquals(bs[1].shape, [2, 3]);
  assertEquals([...textBatches(ids, { ...o, startBatch: 1 })], bs.slice(1));
  assertEquals([...textBatches(ids, { ...o, epoch: 5, seed: 7 })], bs, "order never changes");
});

Deno.test("character tables spell words between start and end marks, <eos> as '+'", () => {
  const t = charTable(["<eos>", "ab", "b"]);
  assertEquals(t.chars, ["+", "a", "b"]);
  assertEquals(t.maxWordLength, 4);
  assertEquals(t.vocabSize, 6);
  assertEquals([...t.table], [
    CHAR_START,
    3,
    CHAR_END,
    0,
    CHAR_START,
    4,
    5,
    CHAR_END,
    CHAR_START,
    5,
    CHAR_END,
    0,
  ]);
  const cut = charTable(["abcdef"], 4);
  assertEquals([...cut.table], [CHAR_START, 3, 4, CHAR_END]);
});

Deno.test("ptb({ chars: true }) gives each input word's characters with the batch", async () => {
  const dir = await ptbDir();
  const d = await loadPtb({ ...ptb.defaults, verify: false, chars: true }, {
    dataDir: dir,
    verify: false,
  });
  // Longest word 3 letters + 2 marks; characters + | a c d e g h o s t, plus 3 reserved ids.
  assertEquals(d.chars, { maxWordLength: 5, vocabSize: 14 });
  const [b] = d.batches("train", { batchSize: 1, steps: 4, epoch: 0, seed: 0, train: false });
  assertEquals(b.maxWordLength, 5);
  const { chars } = charTable(d.vocab);
  const spelled = [0, 1, 2, 3].map((t) =>
    [...b.chars!.subarray(t * 5, t * 5 + 5)].map((c) =>
      c === CHAR_START ? "{" : c === CHAR_END ? "}" : c === 0 ? "" : chars[c - 3]
    ).join("")
  );
  assertEquals(spelled, ["{the}", "{cat}", "{sat}", "{+}"]);
});

Deno.test("syntheticText is deterministic, exactly sized and learnable", () => {
  const p = { ...syntheticText.defaults };
  const a = makeSyntheticText(p), b = makeSyntheticText(p);
  assertEquals(a.ids, b.ids);
  assertEquals(a.size, { train: p.train, valid: p.valid, test: p.test });
  assertEquals(a.vocab[0], "<eos>");
  // Each word has at most `branching` successors (plus <eos> forced after a long sentence).
  const next = new Map<number, Set<number>>();
  const ids = a.ids.train!;
  for (let i = 1; i < ids.length; i++) {
    if (!next.has(ids[i - 1])) next.set(ids[i - 1], new Set());
    next.get(ids[i - 1])!.add(ids[i]);
  }
  for (const [w, s] of next) {
    assert(s.size <= p.branching + 1, `word ${w} has ${s.size} successors`);
  }
  assertEquals(ids[ids.length - 1], 0, "the stream ends a sentence");
  const c = makeSyntheticText({ ...p, seed: 2 });
  assert(c.ids.train!.some((t, i) => t !== ids[i]), "another seed gives other text");
  assert(makeSyntheticText({ ...p, chars: true }).chars!.maxWordLength >= 4);
});
