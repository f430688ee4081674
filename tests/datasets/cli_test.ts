import { assertEquals, assertMatch } from "./assert.ts";
import { join } from "node:path";
import { fromFileUrl } from "../../lib/util/path.ts";
import { cifarBytes, tempDataDir } from "./fixtures.ts";

const cli = fromFileUrl(new URL("../../datasets/cli.ts", import.meta.url));

async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", cli, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("the data command reports files, counts, histogram and channel stats as JSON", async () => {
  const dir = await tempDataDir();
  const sub = join(dir, "cifar-10-batches-bin");
  await Deno.mkdir(sub);
  await Deno.writeFile(join(sub, "data_batch_1.bin"), cifarBytes([[1], [1], [2]]));
  await Deno.writeFile(join(sub, "test_batch.bin"), cifarBytes([[0], [9]]));
  await Deno.writeTextFile(join(sub, "batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
  const r = await run(["cifar10", "--data-dir", dir, "--no-verify", "--json"]);
  assertEquals(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assertEquals(report.records, { train: 3, test: 2 });
  assertEquals(report.histogram.train.b, 2);
  assertEquals(report.histogram.test.j, 1);
  assertEquals(report.files.map((f: { name: string }) => f.name), [
    "data_batch_1.bin",
    "test_batch.bin",
    "batches.meta.txt",
  ]);
  assertEquals(report.mean.length, 3);
  const verified = await run(["cifar10", "--data-dir", dir]);
  assertEquals(verified.code, 1);
  assertMatch(verified.stderr, /Checksum mismatch for .*data_batch_1\.bin/);
});

Deno.test("the data command names the datasets it knows when given another", async () => {
  const r = await run(["mnist"]);
  assertEquals(r.code, 2);
  assertMatch(r.stderr, /Unknown dataset "mnist": available are cifar10, cifar100, ptb/);
});
