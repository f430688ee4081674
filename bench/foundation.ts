/**
 * Foundation benchmark: plan time of a fully cached 5-step pipeline (in process, after Deno has
 * started), key computation time, and store commit / verify throughput.
 *
 *   deno run --allow-all bench/foundation.ts [--json]
 */
import { join } from "node:path";
import { loadPipeline } from "../lib/cli/load_pipeline.ts";
import { validateGraph } from "../lib/graph/validate.ts";
import { keyGraph } from "../lib/key/step_key.ts";
import { clearCodeFingerprintCache } from "../lib/key/code_fingerprint.ts";
import { makePlan } from "../lib/plan/plan.ts";
import { LocalStore } from "../lib/store/local_store.ts";
import { output, type Row } from "./table.ts";

const root = await Deno.makeTempDir({ prefix: "born-again-bench-" });
const cache = join(root, "cache");
const rows: Row[] = [];
const time = async (fn: () => Promise<unknown>, repeat: number) => {
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) await fn();
  return (performance.now() - t0) / repeat;
};

// A fully cached smoke pipeline (5 steps).
const run = await new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    "lib/cli/main.ts",
    "run",
    "pipelines/smoke.ts",
    "--cache-dir",
    cache,
    "--executor",
    "cpu",
    "--json",
  ],
  stdout: "null",
  stderr: "null",
}).output();
if (!run.success) throw new Error("smoke run failed");
const store = new LocalStore(cache);
const data = { dataDir: root, verify: false };
const graph = await loadPipeline("pipelines/smoke.ts", {});
const planMs = await time(async () => {
  const plan = await makePlan(await loadPipeline("pipelines/smoke.ts", {}), store, { data });
  if (plan.items.some((i) => i.status !== "cached")) {
    throw new Error("expected a fully cached plan");
  }
}, 20);
rows.push({
  measure: "plan, fully cached 5-step pipeline (in process)",
  value: planMs,
  unit: "ms",
});
const cold = await time(async () => {
  clearCodeFingerprintCache();
  await keyGraph(validateGraph(graph), () => Promise.resolve("fp"));
}, 20);
rows.push({ measure: "keys of 5 steps, cold code fingerprints", value: cold, unit: "ms" });
const warm = await time(() => keyGraph(validateGraph(graph), () => Promise.resolve("fp")), 100);
rows.push({ measure: "keys of 5 steps, warm", value: warm, unit: "ms" });
const t0 = performance.now();
const cli = await new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "lib/cli/main.ts", "plan", "pipelines/smoke.ts", "--cache-dir", cache],
  stdout: "null",
}).output();
rows.push({
  measure: "`plan` command incl. Deno start",
  value: performance.now() - t0,
  unit: cli.success ? "ms" : "ms (failed)",
});

// Store throughput: commit (write + hash + manifest + rename) and verify (re-hash) of 64 MB.
const payload = new Uint8Array(64 << 20).map((_, i) => i * 2654435761 >>> 24);
const key = "b".repeat(64);
const commitMs = await time(async () => {
  await Deno.remove(store.entryDir(key), { recursive: true }).catch(() => {});
  await store.commit(key, async (dir) => {
    await Deno.writeFile(join(dir, "blob.bin"), payload);
    return { step: "bench", pipeline: "bench", record: {} as never, result: {}, provenance: {} };
  });
}, 3);
rows.push({ measure: "store commit, 64 MB", value: 64 / (commitMs / 1000), unit: "MB/s" });
const verifyMs = await time(async () => {
  if ((await store.verify(key)).length) throw new Error("verify failed");
}, 3);
rows.push({ measure: "store verify, 64 MB", value: 64 / (verifyMs / 1000), unit: "MB/s" });
await Deno.remove(root, { recursive: true });
output("foundation", rows);
