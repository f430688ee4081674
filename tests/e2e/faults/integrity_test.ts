/**
 * Corrupt entries are never served: a flipped byte in a model or a result file, or an edited value
 * in a manifest, is caught before the entry's results are reported or its files used as an input.
 * The entry is moved to trash with a note of why, the run says so in one line naming the step and
 * the file, and the step trains again in the same run, before the steps that need it.
 *
 * @module
 */
import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { CacheLayout } from "../../../lib/store/layout.ts";
import { runCli, statuses, summary, tempCache } from "../../helpers/cli.ts";

const CHAIN = "tests/fixtures/pipelines/chain.ts";

const run = (cache: string) =>
  runCli(["run", CHAIN, "--cache-dir", cache, "--executor", "cpu", "--json"]);

/** The keys of the chain's steps, by name. */
async function keys(cache: string): Promise<Record<string, string>> {
  const plan = await runCli(["plan", CHAIN, "--cache-dir", cache, "--json"]);
  equal(plan.code, 0, plan.stderr);
  return Object.fromEntries(
    JSON.parse(plan.stdout).steps.map((s: { name: string; key: string }) => [s.name, s.key]),
  );
}

/** Invert one byte of a file in place (its size stays the same). */
async function flipByte(path: string, at = 40): Promise<void> {
  const bytes = await Deno.readFile(path);
  bytes[Math.min(at, bytes.length - 1)] ^= 0xff;
  await Deno.writeFile(path, bytes);
}

/** The quarantine notes in the cache's trash. */
async function notes(layout: CacheLayout): Promise<{ key: string; why: string }[]> {
  const out = [];
  for await (const e of Deno.readDir(layout.trash)) {
    const text = await Deno.readTextFile(layout.quarantineNote(layout.trashDir(e.name)));
    out.push(JSON.parse(text));
  }
  return out;
}

Deno.test("a flipped byte in a model is quarantined and trained again before its dependants", async () => {
  const cache = await tempCache();
  const layout = new CacheLayout(cache);
  try {
    equal((await run(cache)).code, 0);
    const k = await keys(cache);
    await flipByte(join(layout.entry(k.teacher), "model", "weights.bin"));
    // gen1 must run too: it reads the teacher's weights, which must not be the flipped ones.
    await Deno.remove(layout.entry(k.gen1), { recursive: true });

    const r = await run(cache);
    equal(r.code, 0, r.stderr);
    const s = statuses(summary(r));
    equal(s.teacher, "ran");
    equal(s.gen1, "ran");
    // Keys are input-addressed: gen2's entry is still the result of its key, and stays.
    equal(s.gen2, "cached");
    equal(s.bane, "cached");
    match(
      r.stderr,
      /teacher: cache entry is corrupt \(model\/weights\.bin: sha256 \w+… != manifest/,
    );
    match(r.stderr, /teacher: corrupt cache entry moved to .*trash/);
    const [note] = await notes(layout);
    equal(note.key, k.teacher);
    match(note.why, /model\/weights\.bin/);

    const again = await run(cache);
    equal(again.code, 0, again.stderr);
    ok(Object.values(statuses(summary(again))).every((x) => x === "cached"));
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("a flipped result file or an edited manifest value is caught by verify, report and run", async () => {
  const cache = await tempCache();
  const layout = new CacheLayout(cache);
  try {
    equal((await run(cache)).code, 0);
    const k = await keys(cache);
    await flipByte(join(layout.entry(k.bane), "result.json"), 5);
    const manifest = layout.manifest(k.gen2);
    const text = await Deno.readTextFile(manifest);
    const edited = text.replace(/"testError": [\d.]+/, '"testError": 1.5');
    ok(edited !== text, "the manifest holds a testError");
    await Deno.writeTextFile(manifest, edited);

    const verify = await runCli(["cache", "verify", "--cache-dir", cache]);
    equal(verify.code, 1, verify.stdout);
    match(verify.stdout, new RegExp(`${k.gen2.slice(0, 12)}  BAD: manifest\\.json: its checksum`));
    match(verify.stdout, new RegExp(`${k.bane.slice(0, 12)}  BAD: result\\.json: sha256`));
    match(verify.stdout, /2 ok, 2 bad/);

    const report = await runCli(["report", CHAIN, "--cache-dir", cache, "--json"]);
    equal(report.code, 0, report.stderr);
    const steps = Object.fromEntries(
      JSON.parse(report.stdout).steps.map((s: { name: string; status: string }) => [s.name, s]),
    );
    equal(steps.gen2.status, "corrupt");
    equal(steps.bane.status, "corrupt");
    equal(steps.gen2.result, undefined, "the edited result is not reported");
    equal(steps.bane.result, undefined);

    const r = await run(cache);
    equal(r.code, 0, r.stderr);
    const s = statuses(summary(r));
    equal(s.gen2, "ran");
    equal(s.bane, "ran");
    equal(s.teacher, "cached");
    match(r.stderr, /gen2: cache entry is corrupt \(manifest\.json: its checksum/);
    match(r.stderr, /bane: cache entry is corrupt \(result\.json: sha256/);
    equal((await notes(layout)).length, 2);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});
