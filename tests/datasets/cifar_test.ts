import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertThrows,
} from "./assert.ts";
import { join } from "node:path";
import { cifar10, cifar100, type CifarOptions, loadCifar } from "../../datasets/cifar.ts";
import { CIFAR100_LAYOUT, CIFAR10_LAYOUT, parseCifar } from "../../datasets/cifar_format.ts";
import { DatasetError } from "../../datasets/dataset_error.ts";
import type { ImageBatch } from "../../lib/plugin/runtime.ts";
import { cifarBytes, fixturePixel, md5Of, serve, tempDataDir } from "./fixtures.ts";

const NAMES10 = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";
const trainLabels = [6, 9, 9, 4, 1, 1, 2, 7];
const testLabels = [3, 8, 8, 0, 6];

/** A CIFAR-10 folder: data_batch_1 with 8 records, test_batch with 5 (pixels offset by 100). */
async function cifar10Dir(): Promise<string> {
  const dir = await tempDataDir();
  const sub = join(dir, "cifar-10-batches-bin");
  await Deno.mkdir(sub);
  await Deno.writeFile(join(sub, "data_batch_1.bin"), cifarBytes(trainLabels.map((l) => [l])));
  await Deno.writeFile(join(sub, "test_batch.bin"), cifarBytes(testLabels.map((l) => [l]), 100));
  await Deno.writeTextFile(join(sub, "batches.meta.txt"), NAMES10);
  return dir;
}

const unverified = (dataDir: string) => ({ dataDir, verify: false });
const params = (
  over: Partial<CifarOptions> = {},
): CifarOptions => ({ ...cifar10.defaults, ...over } as CifarOptions);
const collect = (it: Iterable<ImageBatch>) => [...it];

Deno.test("parseCifar turns planar CIFAR-10 records into exactly the known interleaved pixels", () => {
  const r = parseCifar(cifarBytes([[7], [0], [9]]), CIFAR10_LAYOUT, "f.bin");
  assertEquals(r.count, 3);
  assertEquals([...r.labels[0]], [7, 0, 9]);
  for (let i = 0; i < 3; i++) {
    for (const [y, x] of [[0, 0], [0, 31], [17, 5], [31, 31]]) {
      for (let c = 0; c < 3; c++) {
        assertEquals(r.images[((i * 32 + y) * 32 + x) * 3 + c], fixturePixel(i, c, y, x));
      }
    }
  }
});

Deno.test("parseCifar reads CIFAR-100's coarse and fine label bytes", () => {
  const r = parseCifar(cifarBytes([[11, 19], [10, 49]]), CIFAR100_LAYOUT, "train.bin");
  assertEquals([...r.labels[0]], [11, 10]);
  assertEquals([...r.labels[1]], [19, 49]);
  assertEquals(r.images[3], fixturePixel(0, 0, 0, 1));
});

Deno.test("parseCifar rejects a truncated file and a bad label, naming the file", () => {
  const bytes = cifarBytes([[1], [2]]);
  const e = assertThrows(
    () => parseCifar(bytes.subarray(0, 5000), CIFAR10_LAYOUT, "x.bin"),
    DatasetError,
  );
  assertMatch(e.message, /x\.bin is 5000 bytes, not a whole number of 3073-byte records/);
  bytes[3073] = 10;
  const l = assertThrows(() => parseCifar(bytes, CIFAR10_LAYOUT, "x.bin"), DatasetError);
  assertMatch(l.message, /x\.bin record 1: label byte 0 is 10, expected below 10/);
});

Deno.test("cifar10 loads fixture files with verification off: sizes, names, exact pixels in order", async () => {
  const d = await loadCifar(
    "cifar10",
    params({ normalize: false }),
    unverified(await cifar10Dir()),
  );
  assertEquals(d.size, { train: 8, test: 5 });
  assertEquals(d.classNames?.[8], "ship");
  assertEquals(d.files.map((f) => f.name), [
    "data_batch_1.bin",
    "test_batch.bin",
    "batches.meta.txt",
  ]);
  const batches = collect(d.batches("test", { batchSize: 2, epoch: 0, seed: 1, train: false }));
  assertEquals(batches.map((b) => b.shape), [[2, 32, 32, 3], [2, 32, 32, 3], [1, 32, 32, 3]]);
  assertEquals(batches.flatMap((b) => [...b.y]), testLabels);
  const b = batches[1];
  assertEquals(Math.round(b.x[((1 * 32 + 5) * 32 + 9) * 3 + 2] * 255), fixturePixel(103, 2, 5, 9));
  assertEquals(d.batchCount("test", 2), 3);
});

Deno.test("cifar10 with verification on names the file and both checksums on a mismatch", async () => {
  const dir = await cifar10Dir();
  const e = await assertRejects(
    () => loadCifar("cifar10", params(), { dataDir: dir, verify: true }),
    DatasetError,
  );
  assertEquals(e.reason, "checksum");
  const actual = md5Of(await Deno.readFile(join(dir, "cifar-10-batches-bin/data_batch_1.bin")));
  assertMatch(e.message, /data_batch_1\.bin/);
  assertMatch(e.message, /5dd7e06a14cb22eb9f671a540d1b7c25/);
  assertMatch(e.message, new RegExp(actual));
  // The plugin's own `verify: false` param turns the check off too.
  const d = await loadCifar("cifar10", params({ verify: false }), { dataDir: dir, verify: true });
  assertEquals(d.size.train, 8);
});

Deno.test("a CIFAR file that is not a whole number of records is an error even unverified", async () => {
  const dir = await cifar10Dir();
  const path = join(dir, "cifar-10-batches-bin/test_batch.bin");
  await Deno.truncate(path, 3073 * 2 + 100);
  const e = await assertRejects(
    () => loadCifar("cifar10", params(), unverified(dir)),
    DatasetError,
  );
  assertEquals(e.reason, "bad-format");
  assertMatch(e.message, /test_batch\.bin is 6246 bytes, not a whole number of 3073-byte records/);
});

Deno.test("a missing CIFAR file with no way to download it says what to fetch and where", async () => {
  const dir = await cifar10Dir();
  await Deno.remove(join(dir, "cifar-10-batches-bin/test_batch.bin"));
  const server = serve(() => new Response(""));
  await server.close();
  const e = await assertRejects(
    () => loadCifar("cifar10", params(), { ...unverified(dir), baseUrl: server.url }),
    DatasetError,
  );
  assertMatch(e.message, /CIFAR-10 needs .*test_batch\.bin in .*cifar-10-batches-bin/);
  assertMatch(e.message, /https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz/);
});

Deno.test("validation is held out from the end of the training files, subsets from the start", async () => {
  const dir = await cifar10Dir();
  const d = await loadCifar(
    "cifar10",
    params({ train: 3, validation: 2, test: 2 }),
    unverified(dir),
  );
  assertEquals(d.size, { train: 3, test: 2, valid: 2 });
  const labels = (s: "train" | "valid" | "test") =>
    collect(d.batches(s, { batchSize: 8, epoch: 0, seed: 0, train: false })).flatMap((
      b,
    ) => [...b.y]);
  assertEquals(labels("train"), [6, 9, 9]);
  assertEquals(labels("valid"), [2, 7]);
  assertEquals(labels("test"), [3, 8]);
  await assertRejects(
    () => loadCifar("cifar10", params({ train: 7, validation: 2 }), unverified(dir)),
    DatasetError,
  );
  assertThrows(
    () =>
      d.batches("valid", { batchSize: 0, epoch: 0, seed: 0, train: false })[Symbol.iterator]()
        .next(),
    RangeError,
  );
  const noValid = await loadCifar("cifar10", params(), unverified(dir));
  assertThrows(() => noValid.batchCount("valid", 2), RangeError);
});

Deno.test("normalisation uses the training split's per-channel mean and std", async () => {
  const d = await loadCifar("cifar10", params(), unverified(await cifar10Dir()));
  const [b] = collect(d.batches("train", { batchSize: 8, epoch: 0, seed: 0, train: false }));
  for (let c = 0; c < 3; c++) {
    let s = 0, s2 = 0, n = 0;
    for (let i = c; i < b.x.length; i += 3) s += b.x[i], s2 += b.x[i] * b.x[i], n++;
    assert(Math.abs(s / n) < 1e-4, `channel ${c} mean ${s / n}`);
    assert(Math.abs(s2 / n - 1) < 1e-3, `channel ${c} variance ${s2 / n}`);
  }
});

Deno.test("cifar100 learns fine labels by default and coarse ones on request", async () => {
  const dir = await tempDataDir();
  const sub = join(dir, "cifar-100-binary");
  await Deno.mkdir(sub);
  const fine = Array.from({ length: 100 }, (_, i) => `f${i}`).join("\n");
  const coarse = Array.from({ length: 20 }, (_, i) => `c${i}`).join("\n");
  await Deno.writeFile(join(sub, "train.bin"), cifarBytes([[11, 19], [19, 99], [0, 4]]));
  await Deno.writeFile(join(sub, "test.bin"), cifarBytes([[10, 49]]));
  await Deno.writeTextFile(join(sub, "fine_label_names.txt"), fine + "\n");
  await Deno.writeTextFile(join(sub, "coarse_label_names.txt"), coarse + "\n");
  const f = await loadCifar("cifar100", { ...cifar100.defaults }, unverified(dir));
  assertEquals([f.numClasses, [...f.labels("train")], f.classNames?.[49]], [
    100,
    [19, 99, 4],
    "f49",
  ]);
  const c = await loadCifar(
    "cifar100",
    { ...cifar100.defaults, labels: "coarse" },
    unverified(dir),
  );
  assertEquals([c.numClasses, [...c.labels("train")], c.classNames?.[10]], [
    20,
    [11, 19, 0],
    "c10",
  ]);
  assertThrows(() => cifar100({ labels: "medium" }), Error);
});

Deno.test("cifar10's fingerprint is cheap when verified, refuses foreign files, follows the bytes when not", async () => {
  const dir = await cifar10Dir();
  const fp = (p = params(), verify = true) =>
    cifar10.plugin.fingerprint(p, { dataDir: dir, verify });
  const official = (p = params()) =>
    cifar10.plugin.fingerprint(p, { dataDir: "/nonexistent", verify: true });
  // Verified: the official checksum list, the same wherever the (absent) data would go.
  assertEquals(
    await official(),
    await cifar10.plugin.fingerprint(params(), { dataDir: "/elsewhere", verify: true }),
  );
  assertNotEquals(await official(params({ train: 5 })), await official());
  assertNotEquals(
    await official(),
    await cifar100.plugin.fingerprint({ ...cifar100.defaults }, {
      dataDir: "/nonexistent",
      verify: true,
    }),
  );
  // Files already present must be the official ones: refused when planning, before training.
  await assertRejects(() => fp(), DatasetError);
  const before = await fp(params(), false);
  assertNotEquals(before, await official());
  assertEquals(await fp(params(), false), before);
  assertEquals(await fp(params({ verify: false })), before, "the param and the env flag agree");
  const path = join(dir, "cifar-10-batches-bin/data_batch_1.bin");
  const bytes = await Deno.readFile(path);
  bytes[100] ^= 1;
  await Deno.writeFile(path, bytes);
  assertNotEquals(await fp(params(), false), before);
});
