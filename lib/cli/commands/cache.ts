/**
 * `cache ls | verify | gc [--dry-run] [--checkpoints]`: list entries, check every file against its
 * manifest, and remove what no pipeline step references any more (entries, work folders of
 * finished or abandoned steps, temporary and trashed files), saying what and why, with sizes.
 * Running steps and (unless `--checkpoints`) resumable checkpoints are kept.
 *
 * @module
 */
import { formatCount, formatMetric, table } from "../../progress/format.ts";
import { GcBusyError, type GcItem, type GcOptions } from "../../store/gc.ts";
import { LocalStore } from "../../store/local_store.ts";
import type { Store } from "../../store/store.ts";
import type { CliOptions } from "../options.ts";

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** One line of gc's listing: what, which step, where its checkpoint stopped, size and why. */
function gcLine(it: GcItem, dryRun: boolean): string {
  const action = dryRun ? `would ${it.action}` : it.action === "remove" ? "removed" : "kept";
  const at = it.checkpoint
    ? `, checkpoint resumes at epoch ${it.checkpoint.epoch + 1}${
      it.checkpoint.epochs ? `/${it.checkpoint.epochs}` : ""
    }, batch ${it.checkpoint.batch}`
    : "";
  const name = it.kind === "entry" || it.kind === "work" ? it.name.slice(0, 12) : it.name;
  const step = it.step ? ` ${it.step}` : "";
  return `${action} ${it.kind} ${name}${step} (${mb(it.size)}${at}): ${it.why}`;
}

async function gc(store: Store, o: CliOptions, options: GcOptions): Promise<number> {
  let report;
  try {
    report = await store.gc(options);
  } catch (e) {
    if (!(e instanceof GcBusyError)) throw e;
    console.error(`error: ${e.message} in ${o.cacheDir}; try again when it has finished`);
    return 1;
  }
  if (o.json) {
    console.log(JSON.stringify(report));
    return 0;
  }
  // Every work folder is listed, kept or not; entries only when removed.
  for (const it of report.items) {
    if (it.kind === "work" || it.action === "remove") console.log(gcLine(it, report.dryRun));
  }
  console.log(
    `${report.dryRun ? "would free" : "freed"} ${
      mb(report.freedBytes)
    }; kept ${report.kept} entries (${mb(report.keptBytes)})`,
  );
  return 0;
}

/** Run a cache subcommand; returns the exit code. */
export async function cacheCommand(
  o: CliOptions,
  dryRun: boolean,
  checkpoints = false,
): Promise<number> {
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
      // Entries written before manifests carried a checksum: files checked, values not.
      const found = problems.length ? undefined : await store.lookup(key);
      const unsealed = found?.status === "ok" && found.manifest.format === 1;
      out.push({ key, ok: problems.length === 0, problems, ...(unsealed ? { unsealed } : {}) });
      if (!o.json) {
        const ok = unsealed ? "ok (format 1: manifest without checksum)" : "ok";
        console.log(`${key.slice(0, 12)}  ${problems.length ? `BAD: ${problems.join("; ")}` : ok}`);
      }
    }
    if (o.json) console.log(JSON.stringify({ entries: out, bad }));
    else console.log(`${keys.length - bad} ok, ${bad} bad`);
    return bad ? 1 : 0;
  }
  if (sub === "gc") return await gc(store, o, { dryRun, checkpoints });
  console.error(
    "usage: cache ls | verify | gc [--dry-run] [--checkpoints]   [--cache-dir DIR] [--json]",
  );
  return 2;
}
