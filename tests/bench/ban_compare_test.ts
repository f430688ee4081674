/**
 * The BAN side-by-side table: seeds are paired by replicate (`gen1#2` with the PyTorch run 2),
 * results come from the cache entry a summary names when a cache is given, and a missing entry
 * is an error that names the step and file.
 */
import { deepEqual as assertEquals, match as assertMatch, rejects } from "node:assert/strict";
import { join } from "node:path";
import {
  compareTable,
  oursFromSummary,
  paired,
  torchFromJson,
} from "../../bench/evidence/ban_compare.ts";

const step = (name: string, key: string, testError: number) => ({
  name,
  key,
  status: "ran",
  metrics: { testError },
});

async function fixture() {
  const dir = await Deno.makeTempDir();
  const summary = join(dir, "ours.json");
  await Deno.writeTextFile(
    summary,
    JSON.stringify({
      steps: [
        step("teacher", "k1", 50),
        step("gen1", "k2", 48),
        step("teacher#2", "k3", 52),
        step("gen1#2", "k4", 49),
      ],
    }),
  );
  const torch = join(dir, "torch.json");
  await Deno.writeTextFile(
    torch,
    JSON.stringify({
      runs: [
        { seed: 1, teacher: { testError: 40, trainError: 1 }, gen1: { testError: 37 } },
        { seed: 2, teacher: { testError: 42, trainError: 3 }, gen1: { testError: 38 } },
      ],
    }),
  );
  return { dir, summary, torch };
}

Deno.test("ban_compare pairs seeds and prints mean ± sd per side", async () => {
  const { dir, summary, torch } = await fixture();
  const ours = await oursFromSummary(summary);
  assertEquals(ours.testError, { teacher: [50, 52], gen1: [48, 49] });
  const table = compareTable([ours, await torchFromJson(torch)]);
  // Ours: Δ = [-2, -3] → -2.50 ± 0.71; PyTorch: Δ = [-3, -4] → -3.50 ± 0.71.
  assertMatch(table, /\| this project \| gen1 \| 48\.50 ± 0\.71 \| -2\.50 ± 0\.71 \|/);
  assertMatch(
    table,
    /\| PyTorch \| teacher \| 41\.00 ± 1\.41 \| \(teacher\) \| {2}\| 2\.00 ± 1\.41 \| 2 \|/,
  );
  assertMatch(table, /\| PyTorch \| gen1 \| 37\.50 ± 0\.71 \| -3\.50 ± 0\.71 \|/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ban_compare reads results and training loss from the cache entries", async () => {
  const { dir, summary } = await fixture();
  const cache = join(dir, "cache");
  for (
    const [key, err, loss] of [["k1", 60, 0.5], ["k2", 58, 0.7], ["k3", 61, 0.4], ["k4", 57, 0.6]]
  ) {
    const entry = join(cache, "entries", key as string);
    await Deno.mkdir(entry, { recursive: true });
    await Deno.writeTextFile(
      join(entry, "manifest.json"),
      JSON.stringify({ result: { testError: err }, files: { "history.json": {} } }),
    );
    await Deno.writeTextFile(join(entry, "history.json"), JSON.stringify([{ trainLoss: loss }]));
  }
  const ours = await oursFromSummary(summary, cache);
  assertEquals(ours.testError, { teacher: [60, 61], gen1: [58, 57] });
  assertEquals(ours.trainLoss, { teacher: [0.5, 0.4], gen1: [0.7, 0.6] });
  await Deno.remove(join(cache, "entries", "k4"), { recursive: true });
  await rejects(() => oursFromSummary(summary, cache), /step gen1#2: cannot read .*manifest\.json/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("paired differences skip seeds one side lacks", () => {
  assertEquals(paired([3, 5, 7], [1, 1]), [2, 4]);
});
