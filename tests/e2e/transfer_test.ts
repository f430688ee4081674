import { deepEqual, equal, notDeepEqual } from "node:assert/strict";
import { join } from "node:path";
import { runCli, summary, tempCache } from "../helpers/cli.ts";

async function namedWeights(dir: string): Promise<Record<string, number[]>> {
  const json = JSON.parse(await Deno.readTextFile(join(dir, "model", "model.json")));
  const bytes = await Deno.readFile(join(dir, "model", "weights.bin"));
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const out: Record<string, number[]> = {};
  let off = 0;
  for (const w of json.weightsManifest[0].weights) {
    const n = w.shape.reduce((a: number, b: number) => a * b, 1);
    out[w.name] = Array.from(floats.subarray(off, off + n));
    off += n;
  }
  return out;
}

Deno.test("a transferred, frozen layer equals the source's after training; the others trained", async () => {
  const cache = await tempCache();
  const r = await runCli([
    "run",
    "tests/fixtures/pipelines/transfer.ts",
    "--cache-dir",
    cache,
    "--executor",
    "cpu",
    "--json",
  ]);
  equal(r.code, 0, r.stderr);
  const [teacher, student] = summary(r).steps;
  const t = await namedWeights(join(cache, "entries", teacher.key));
  const s = await namedWeights(join(cache, "entries", student.key));
  for (const name of ["hidden1/kernel", "hidden1/bias", "fc/kernel", "fc/bias"]) {
    deepEqual(s[name], t[name], name);
  }
  notDeepEqual(s["hidden2/kernel"], t["hidden2/kernel"]);
  await Deno.remove(cache, { recursive: true });
});
