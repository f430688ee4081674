/**
 * Command-line options of the born-again commands: parsed strictly against the option table
 * (`option_table.ts`), checked against the command's positional arguments, with defaults applied.
 *
 * @module
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { PipelineError } from "../errors.ts";
import { EXECUTOR_NAMES, type ExecutorName, isExecutorName } from "../executors/table.ts";
import { PROJECT_ROOT } from "../util/project_root.ts";
import {
  parseSlurmOptions,
  type SlurmCliValues,
  type SlurmOptions,
} from "../schedule/slurm_options.ts";
import { closest } from "../util/suggest.ts";
import { parseArgv, UsageError } from "./args.ts";
import { COMMAND_NAMES, COMMANDS } from "./command_table.ts";
import { commandsTaking, OPTIONS, optionsOf } from "./option_table.ts";

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
  executor: ExecutorName;
  scheduler: string;
  /** `--slurm-*` options: resources and settings for `--scheduler slurm`. */
  slurm: SlurmOptions;
  help: boolean;
  /** `--report-dir DIR` (or `--out DIR`): where to write the report (default in the cache). */
  out?: string;
  /** `report --compare`: configuration ids or params files to put side by side. */
  compare: string[];
  /** `run --quiet`: no per-epoch lines, only each step's start and end and the footer. */
  quiet: boolean;
  /** `cache gc --dry-run`: say what would be removed, remove nothing. */
  dryRun: boolean;
  /** `cache gc --checkpoints`: remove resumable checkpoints too. */
  checkpoints: boolean;
  /** `export --format`: safetensors, npz or tfjs. */
  format: string;
}

/** The default cache: `.cache/born-again` in the project (git-ignored), or $BORN_AGAIN_CACHE. */
export function defaultCacheDir(): string {
  return Deno.env.get("BORN_AGAIN_CACHE") ?? join(PROJECT_ROOT, ".cache", "born-again");
}

/** The default data folder: $BORN_AGAIN_DATA, else ~/.cache/born-again/data. */
export function defaultDataDir(): string {
  return Deno.env.get("BORN_AGAIN_DATA") ?? join(homedir(), ".cache", "born-again", "data");
}

/**
 * Parse argv (after the command name). With `command`, only that command's options are taken and
 * its positional arguments are checked (unless `--help` is given); without, every option is.
 * A command line that cannot be understood throws {@linkcode UsageError}; a bad value
 * {@linkcode PipelineError}.
 */
export function parseOptions(argv: string[], command?: string): CliOptions {
  const spec = command === undefined ? undefined : COMMANDS[command];
  const { values: v, positionals } = parseArgv(argv, {
    options: OPTIONS,
    accepted: spec ? new Set(optionsOf(command!)) : undefined,
    command,
    ownersOf: (name) => commandsTaking(name, COMMAND_NAMES),
  });
  if (spec && !v.help) checkPositionals(command!, spec.positional, positionals);
  const jobs = Number(v.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new PipelineError(`--jobs must be a positive integer: got ${v.jobs}`, {
      field: "jobs",
      reason: "bad-param",
    });
  }
  const executor = v.executor as string;
  if (!isExecutorName(executor)) {
    throw new PipelineError(
      `--executor must be one of ${EXECUTOR_NAMES.join(", ")}: got ${executor}`,
      { field: "executor", reason: "bad-param" },
    );
  }
  const text = (name: string) => v[name] as string | undefined;
  const reportDir = text("report-dir") ?? text("out");
  return {
    positionals,
    set: v.set as string[],
    params: text("params"),
    cacheDir: resolve(text("cache-dir") ?? defaultCacheDir()),
    dataDir: resolve(text("data-dir") ?? defaultDataDir()),
    verify: !v["no-verify"],
    force: v.force as string[],
    jobs,
    json: v.json as boolean,
    executor,
    scheduler: v.scheduler as string,
    slurm: parseSlurmOptions(v as SlurmCliValues),
    help: v.help as boolean,
    out: reportDir === undefined ? undefined : resolve(reportDir),
    compare: (v.compare as string[]).flatMap((c) => c.split(",")).filter(Boolean),
    quiet: v.quiet as boolean,
    dryRun: v["dry-run"] as boolean,
    checkpoints: v.checkpoints as boolean,
    format: v.format as string,
  };
}

/** `epochs=5`: a param setting without its `--set` (a file name ending in .ts is not one). */
const isSetting = (word: string) => /^[A-Za-z_][\w.-]*=/.test(word) && !word.endsWith(".ts");

function checkPositionals(
  command: string,
  positional: (typeof COMMANDS)[string]["positional"],
  words: string[],
): void {
  // Wherever it stands, a setting is never the pipeline file: `run epochs=5 pipelines/smoke.ts`.
  const setting = optionsOf(command).includes("set") ? words.find(isSetting) : undefined;
  if (setting) {
    throw new UsageError(
      `unexpected argument "${setting}": to set a pipeline param, write --set ${setting}`,
    );
  }
  const withStep = positional?.kind === "pipeline" && positional.step;
  const max = positional ? (withStep ? 2 : 1) : 0;
  if (words.length > max) {
    const what = positional?.kind !== "pipeline"
      ? ""
      : withStep
      ? `: ${command} takes a pipeline file and a step`
      : `: ${command} takes one pipeline file`;
    throw new UsageError(`unexpected argument "${words[max]}"${what}`);
  }
  if (positional?.kind === "word" && words.length && !positional.choices.includes(words[0])) {
    const guess = closest(words[0], positional.choices);
    throw new UsageError(
      `unknown ${positional.name} "${words[0]}": ` +
        (guess ? `did you mean ${guess}?` : `expected ${positional.choices.join(", ")}`),
    );
  }
}
