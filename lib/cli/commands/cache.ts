/**
 * `cache ls | verify | gc [--dry-run]`: list entries, check every file against its manifest, and
 * remove what no pipeline step references any more (entries, stale work folders, temporary and
 * trashed files), with a size report.
 *
 * @module
 */
import { join } from "node:path";
import { formatCount, formatMetric, table } from "../../progress/format.ts";
import { LocalStore } from "../../store/local_store.ts";
import type { CliOptions } from "../options.ts";

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

async function dirs(path: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) out.push(e.name);
  } catch { /* absent */ }
  return out;
}

/** Run a cache subcommand; returns the exit code. */
export async function cacheCommand(o: CliOptions, dryRun: boolean): Promise<number> {
  const [sub] = o.positionals;
  const store = new LocalStore(o.cacheDir);
  const keys = await store.keys();
  if (sub === "ls") {
    const rows = [];
    const json = [];
    for (const key of keys) {
      const f = await store.lookup(key);
      const size = await store.size(store.entryDir(key));
      if (f.status === "ok") {
        const m = f.manifest;
        rows.push([
          key.slice(0, 12),
          m.pipeline,
          m.step,
          formatMetric(m.result),
          formatCount(m.result.parameters),
          mb(size),
          m.createdAt.slice(0, 19),
        ]);
        json.push({
          key,
          pipeline: m.pipeline,
          step: m.step,
          status: "ok",
          size,
          result: m.result,
          createdAt: m.createdAt,
        });
      } else {
        rows.push([
          key.slice(0, 12),
          "?",
          "?",
          `corrupt: ${f.status === "corrupt" ? f.problem : ""}`,
          "",
          mb(size),
          "",
        ]);
        json.push({ key, status: "corrupt", size });
      }
    }
    if (o.json) console.log(JSON.stringify({ cacheDir: o.cacheDir, entries: json }));
    else {
      console.log(table(["key", "pipeline", "step", "result", "params", "size", "created"], rows));
      console.log(`${keys.length} entries in ${o.cacheDir}`);
    }
    return 0;
  }
  if (sub === "verify") {
    let bad = 0;
    const out = [];
    for (const key of keys) {
      const problems = await store.verify(key);
      if (problems.length) bad++;
      out.push({ key, ok: problems.length === 0, problems });
      if (!o.json) {
        console.log(
          `${key.slice(0, 12)}  ${problems.length ? `BAD: ${problems.join("; ")}` : "ok"}`,
        );
      }
    }
    if (o.json) console.log(JSON.stringify({ entries: out, bad }));
    else console.log(`${keys.length - bad} ok, ${bad} bad`);
    return bad ? 1 : 0;
  }
  if (sub === "gc") {
    const keep = await store.rememberedKeys();
    let freed = 0, kept = 0, removed = 0;
    for (const key of keys) {
      const size = await store.size(store.entryDir(key));
      const valid = (await store.lookup(key)).status === "ok";
      if (keep.has(key) && valid) {
        kept += size;
        continue;
      }
      removed++;
      freed += size;
      if (!o.json) {
        console.log(
          `remove ${key.slice(0, 12)} (${valid ? "unreferenced" : "corrupt"}, ${mb(size)})`,
        );
      }
      if (!dryRun) await Deno.remove(store.entryDir(key), { recursive: true });
    }
    // Work folders of steps nobody references or that finished, unless a live process holds them.
    for (const key of await dirs(join(o.cacheDir, "work"))) {
      const done = (await store.lookup(key)).status === "ok";
      if ((keep.has(key) && !done) || store.lockOwner(key)) continue;
      const size = await store.size(store.workDir(key));
      freed += size;
      if (!dryRun) await Deno.remove(store.workDir(key), { recursive: true });
    }
    for (const sub of ["tmp", "trash"]) {
      for (const name of await dirs(join(o.cacheDir, sub))) {
        const p = join(o.cacheDir, sub, name);
        freed += await store.size(p).catch(() => 0);
        if (!dryRun) await Deno.remove(p, { recursive: true }).catch(() => {});
      }
    }
    const summary = {
      removed,
      freedBytes: freed,
      keptBytes: kept,
      kept: keys.length - removed,
      dryRun,
    };
    if (o.json) console.log(JSON.stringify(summary));
    else {console.log(
        `${dryRun ? "would free" : "freed"} ${mb(freed)}; kept ${keys.length - removed} entries (${
          mb(kept)
        })`,
      );}
    return 0;
  }
  console.error("usage: cache ls | verify | gc [--dry-run]   [--cache-dir DIR] [--json]");
  return 2;
}
