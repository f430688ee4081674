import { equal, match, ok } from "node:assert/strict";
import { ROOT, runCli, summary, tempCache } from "../helpers/cli.ts";

const shared = `${ROOT}/../shared/datasets`;
const present = (() => {
  try {
    return Deno.statSync(`${shared}/cifar-10-batches-bin/test_batch.bin`).isFile;
  } catch {
    return false;
  }
})();
const skip = present ? "" : " (SKIPPED: ../shared/datasets not present)";

Deno.test({
  name: `a chain trains end to end on real CIFAR-10 files with verification off${skip}`,
  ignore: !present,
  async fn() {
    const cache = await tempCache();
    const args = [
      "run",
      "tests/fixtures/pipelines/real_cifar.ts",
      "--cache-dir",
      cache,
      "--data-dir",
      shared,
      "--executor",
      "cpu",
      "--json",
    ];
    // The shared CIFAR-10 files are a re-encoded subset: verification refuses them by name.
    const refused = await runCli(args);
    equal(refused.code, 1);
    match(refused.stderr, /data_batch_1\.bin/);
    const r = await runCli([...args, "--no-verify"]);
    equal(r.code, 0, r.stderr);
    const s = summary(r);
    equal(s.steps.length, 3);
    for (const step of s.steps) {
      const err = step.metrics!.testError;
      // A 16-unit MLP after one epoch: clearly better than chance (90%), far from perfect.
      ok(err > 40 && err < 89, `${step.name}: ${err}`);
    }
    await Deno.remove(cache, { recursive: true });
  },
});
