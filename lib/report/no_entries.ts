/**
 * What `report` says when the cache holds no entry of the configuration asked for: which
 * configurations of the pipeline it does hold and the flags that select each.
 *
 * @module
 */
import { join } from "node:path";
import { type ConfigRecord, paramsLine, setFlags } from "./configuration.ts";
import type { ReportData } from "./collect_report.ts";

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** The message, given the configurations the cache remembers (newest first). */
export async function noEntriesMessage(
  data: ReportData,
  cacheDir: string,
  records: ConfigRecord[],
): Promise<string> {
  const head = `error: ${data.file}: no step of ${data.pipeline} with these params is in the ` +
    `cache (${paramsLine(data.params)}); nothing was written`;
  if (!records.length) {
    return `${head}\nno configuration of ${data.pipeline} is in ${cacheDir}: ` +
      `run it first (deno task run ${data.file} …)`;
  }
  const lines = [
    head,
    `configurations of ${data.pipeline} in ${cacheDir} (${records.length}), newest first:`,
  ];
  for (const r of records) {
    const flags = setFlags(r.params, r.defaults).join(" ");
    const paramsFile = join(r.reportDir, "params.json");
    lines.push(
      `  ${r.id}  reported ${r.reportedAt.slice(0, 16).replace("T", " ")}, ` +
        `${r.steps.done} of ${r.steps.total} steps done`,
      `    ${flags || "(the defaults: no --set)"}`,
    );
    if (await exists(paramsFile)) lines.push(`    or --params ${paramsFile}`);
  }
  const first = setFlags(records[0].params, records[0].defaults).join(" ");
  lines.push(
    `select one with its --set flags or its --params file, e.g.`,
    `  deno task report ${data.file}${first ? ` ${first}` : ""}`,
  );
  return lines.join("\n");
}
