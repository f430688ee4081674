/**
 * Whether a step's worker gets the network and write access to the data dir: a verified dataset
 * downloads every missing file, an unverified one only a missing required file.
 */
import { equal } from "node:assert/strict";
import { join } from "node:path";
import { mustDownload } from "../../../lib/permissions/download.ts";
import type { DatasetDescriptor } from "../../../lib/plugin/descriptor.ts";

const cifar10 = (params: Record<string, unknown> = {}) =>
  ({
    kind: "dataset",
    name: "cifar10",
    module: "datasets/cifar.ts",
    export: "cifar10",
    params,
  }) as unknown as DatasetDescriptor;

/** A data dir holding the given CIFAR-10 files (empty: presence is what counts). */
async function dataDirWith(names: string[]): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "born-again-download-" });
  await Deno.mkdir(join(root, "cifar-10-batches-bin"));
  for (const n of names) await Deno.writeTextFile(join(root, "cifar-10-batches-bin", n), "");
  return root;
}

Deno.test("mustDownload: a missing optional batch is fetched only when the dataset is verified", async () => {
  const dir = await dataDirWith(["data_batch_1.bin", "test_batch.bin", "batches.meta.txt"]);
  try {
    equal(mustDownload(cifar10(), dir, true), true);
    equal(mustDownload(cifar10(), dir, false), false);
    equal(mustDownload(cifar10({ verify: false }), dir, true), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mustDownload: a missing required file is fetched with verification off too", async () => {
  const dir = await dataDirWith(["data_batch_1.bin", "batches.meta.txt"]);
  try {
    equal(mustDownload(cifar10(), dir, false), true);
    equal(mustDownload(cifar10({ verify: false }), dir, true), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mustDownload: datasets that download nothing never need the network", () => {
  const synthetic = {
    kind: "dataset",
    name: "syntheticImages",
    module: "datasets/synthetic_images.ts",
    export: "syntheticImages",
    params: {},
  } as unknown as DatasetDescriptor;
  equal(mustDownload(synthetic, "/nonexistent", true), false);
});
