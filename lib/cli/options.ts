/**
 * Command-line options shared by the commands, parsed with node:util's parseArgs.
 *
 * @module
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PipelineError } from "../errors.ts";
import { EXECUTOR_NAMES } from "../executors/mod.ts";
import { PROJECT_ROOT } from "../plugin/module_id.ts";
import {
  parseSlurmOptions,
  SLURM_CLI_OPTIONS,
  type SlurmCliValues,
  type SlurmOptions,
} from "../schedule/slurm_options.ts";

/** Options after parsing, with defaults applied. */
export interface CliOptions {
  positionals: string[];
  set: string[];
  params?: string;
  cacheDir: string;
  dataDir: string;
  verify: boolean;
  force: string[];
  jobs: number;
  json: boolean;
  executor: string;
  scheduler: string;
  /** `--slurm-*` options: resources and settings for `--scheduler slurm`. */
  slurm: SlurmOptions;
  help: boolean;
  /** `report --out DIR`: where to write the report (default `<cache>/reports/<pipeline>`). */
  out?: string;
}

/** The default cache: `.cache/born-again` in the project (git-ignored), or $BORN_AGAIN_CACHE. */
export function defaultCacheDir(): string {
  return Deno.env.get("BORN_AGAIN_CACHE") ?? join(PROJECT_ROOT, ".cache", "born-again");
}

/** The default data folder: $BORN_AGAIN_DATA, else ~/.cache/born-again/data. */
export function defaultDataDir(): string {
  return Deno.env.get("BORN_AGAIN_DATA") ?? join(homedir(), ".cache", "born-again", "data");
}

/** Parse argv (after the command name). */
export function parseOptions(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        set: { type: "string", multiple: true, default: [] },
        params: { type: "string" },
        "cache-dir": { type: "string" },
        "data-dir": { type: "string" },
        "no-verify": { type: "boolean", default: false },
        force: { type: "string", multiple: true, default: [] },
        jobs: { type: "string", short: "j", default: "1" },
        json: { type: "boolean", default: false },
        executor: { type: "string", default: "auto" },
        scheduler: { type: "string", default: "local" },
        help: { type: "boolean", short: "h", default: false },
        out: { type: "string" },
        ...SLURM_CLI_OPTIONS,
      },
    });
  } catch (e) {
    throw new PipelineError(e instanceof Error ? e.message : String(e), { reason: "bad-param" });
  }
  const v = parsed.values;
  const jobs = Number(v.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new PipelineError(`--jobs must be a positive integer: got ${v.jobs}`, {
      field: "jobs",
      reason: "bad-param",
    });
  }
  if (!EXECUTOR_NAMES.includes(v.executor as never)) {
    throw new PipelineError(
      `--executor must be one of ${EXECUTOR_NAMES.join(", ")}: got ${v.executor}`,
      {
        field: "executor",
        reason: "bad-param",
      },
    );
  }
  return {
    positionals: parsed.positionals,
    set: v.set as string[],
    params: v.params,
    cacheDir: resolve(v["cache-dir"] ?? defaultCacheDir()),
    dataDir: resolve(v["data-dir"] ?? defaultDataDir()),
    verify: !v["no-verify"],
    force: v.force as string[],
    jobs,
    json: v.json!,
    executor: v.executor!,
    scheduler: v.scheduler!,
    slurm: parseSlurmOptions(v as SlurmCliValues),
    help: v.help!,
    out: v.out === undefined ? undefined : resolve(v.out),
  };
}
