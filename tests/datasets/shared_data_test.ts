/**
 * Checks against the real files in ../shared/datasets (beside the repository root); skipped,
 * visibly, where that folder is absent. Its CIFAR files are subsets or re-encoded, so they load
 * only with verification off.
 */
import { assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { fromFileUrl } from "../../lib/util/path.ts";
import { cifar10, cifar100, type CifarOptions, loadCifar } from "../../datasets/cifar.ts";
import { loadPtb, ptb } from "../../datasets/ptb.ts";
import { DatasetError } from "../../datasets/dataset_error.ts";
import { EOS } from "../../datasets/text_corpus.ts";

const shared = fromFileUrl(new URL("../../../shared/datasets", import.meta.url));
const present = await Deno.stat(shared).then((s) => s.isDirectory, () => false);
const env = { dataDir: shared, verify: false };
const evalOrder = { batchSize: 10_000, epoch: 0, seed: 0, train: false };

Deno.test({
  name: "shared CIFAR-10: 20,000 train and 10,000 test records, 1,000 per test class, known pixels",
  ignore: !present,
  async fn() {
    const d = await loadCifar(
      "cifar10",
      { ...cifar10.defaults, normalize: false } as CifarOptions,
      env,
    );
    assertEquals(d.size, { train: 20_000, test: 10_000 });
    const counts = new Array(10).fill(0);
    for (const l of d.labels("test")) counts[l]++;
    assertEquals(counts, new Array(10).fill(1000));
    const [train] = d.batches("train", evalOrder);
    const [test] = d.batches("test", evalOrder);
    // The first red bytes of record 0, as in the official files.
    const red = (x: Float32Array) =>
      Array.from({ length: 8 }, (_, p) => Math.round(x[p * 3] * 255));
    assertEquals(red(train.x), [59, 43, 50, 68, 98, 119, 139, 145]);
    assertEquals(red(test.x), [158, 159, 165, 166, 160, 156, 162, 159]);
  },
});

Deno.test({
  name: "shared CIFAR-10 is refused with verification on (its files are re-encoded)",
  ignore: !present,
  async fn() {
    const e = await assertRejects(
      () => loadCifar("cifar10", { ...cifar10.defaults }, { dataDir: shared, verify: true }),
      DatasetError,
    );
    assertMatch(
      e.message,
      /data_batch_1\.bin.*5dd7e06a14cb22eb9f671a540d1b7c25.*fb844f0c8abf3ee2867bc0b66db76e34/,
    );
  },
});

Deno.test({
  name: "shared CIFAR-100: 20,000 train and 10,000 test records, fine labels, 100 per test class",
  ignore: !present,
  async fn() {
    const d = await loadCifar("cifar100", { ...cifar100.defaults }, env);
    assertEquals(d.size, { train: 20_000, test: 10_000 });
    assertEquals([d.labels("train")[0], d.labels("test")[0]], [19, 49]);
    assertEquals([d.classNames?.[19], d.classNames?.[49]], ["cattle", "mountain"]);
    const counts = new Array(100).fill(0);
    for (const l of d.labels("test")) counts[l]++;
    assertEquals(counts, new Array(100).fill(100));
    const fp = await cifar100.plugin.fingerprint({ ...cifar100.defaults }, env);
    assertEquals(fp, await cifar100.plugin.fingerprint({ ...cifar100.defaults }, env));
  },
});

Deno.test({
  name: "shared PTB: 929,589 / 73,760 / 82,430 tokens with <eos> and a 10,000-word vocabulary",
  ignore: !present,
  async fn() {
    const d = await loadPtb({ ...ptb.defaults }, { dataDir: shared, verify: true });
    assertEquals(d.size, { train: 929_589, valid: 73_760, test: 82_430 });
    assertEquals(d.vocabSize, 10_000);
    const eos = d.vocab.indexOf(EOS);
    assertEquals(d.ids.train!.filter((t) => t === eos).length, 42_068);
    assertEquals(d.batchCount("train", { batchSize: 20, steps: 35 }), 1327);
  },
});
