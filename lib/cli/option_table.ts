/**
 * Every option of the born-again commands in one table: how it parses, what it means (the help
 * text) and which commands take it. Parsing (`options.ts`) and help (`help.ts`) both read it, so
 * an option is added in one place.
 *
 * @module
 */
import type { OptionConfig } from "./args.ts";
import { SLURM_CLI_OPTIONS } from "../schedule/slurm_options.ts";
import { EXECUTOR_NAMES } from "../executors/table.ts";

/** One option of the table. */
export interface CliOption extends OptionConfig {
  /** The value's placeholder in help (`DIR`, `N`); absent for flags. */
  value?: string;
  /** One line for help; absent for options documented in a block of their own (Slurm). */
  help?: string;
  /** The commands that take it; absent: every command (the options the README calls shared). */
  commands?: readonly string[];
}

/** Commands that name a pipeline file. */
const PIPELINE = ["run", "plan", "report", "export"] as const;
/** Commands that plan (and run) a pipeline's steps. */
const RUN = ["run", "plan"] as const;

/** The options, in the order help lists them. */
export const OPTIONS: Record<string, CliOption> = {
  set: {
    type: "string",
    multiple: true,
    default: [],
    value: "name=value",
    help: "override a declared pipeline param (repeatable)",
    commands: PIPELINE,
  },
  params: {
    type: "string",
    value: "FILE",
    help: "pipeline params from a YAML or JSON file (--set wins)",
    commands: PIPELINE,
  },
  force: {
    type: "string",
    multiple: true,
    default: [],
    value: "STEP",
    help: "run STEP again even if cached (repeatable)",
    commands: RUN,
  },
  jobs: {
    type: "string",
    short: "j",
    default: "1",
    value: "N",
    help: "run up to N independent steps side by side (default 1)",
    commands: RUN,
  },
  scheduler: {
    type: "string",
    default: "local",
    value: "NAME",
    help: "local|slurm (default local)",
    commands: RUN,
  },
  quiet: {
    type: "boolean",
    default: false,
    help: "(run) no per-epoch lines: only each step's start and end and the progress footer",
    commands: ["run"],
  },
  "dry-run": {
    type: "boolean",
    default: false,
    help: "(gc) say what would be removed, remove nothing",
    commands: ["cache"],
  },
  checkpoints: {
    type: "boolean",
    default: false,
    help: "(gc) remove resumable checkpoints too",
    commands: ["cache"],
  },
  compare: {
    type: "string",
    multiple: true,
    default: [],
    value: "ID|FILE",
    help: "(report) put configurations side by side: ids from the index or params files " +
      "(repeatable or comma-separated, two or more)",
    commands: ["report"],
  },
  "report-dir": {
    type: "string",
    value: "DIR",
    help: "folder holding reports/<pipeline>/<configuration>/ and the index (default the cache)",
    commands: ["run", "report"],
  },
  out: {
    type: "string",
    value: "DIR",
    help: "run, report: the same as --report-dir; export: the folder to write " +
      "(default out/export/<pipeline>/<step>)",
    commands: ["run", "report", "export"],
  },
  format: {
    type: "string",
    default: "safetensors",
    value: "NAME",
    help: "(export) safetensors|npz|tfjs (default safetensors)",
    commands: ["export"],
  },
  executor: {
    type: "string",
    default: "auto",
    value: "NAME",
    help: `${EXECUTOR_NAMES.join("|")} (default auto)`,
  },
  "cache-dir": {
    type: "string",
    value: "DIR",
    help: "step cache (default .cache/born-again, or $BORN_AGAIN_CACHE)",
  },
  "data-dir": {
    type: "string",
    value: "DIR",
    help: "datasets (default $BORN_AGAIN_DATA or ~/.cache/born-again/data)",
  },
  "no-verify": {
    type: "boolean",
    default: false,
    help: "accept dataset files that do not match the official checksums",
  },
  json: {
    type: "boolean",
    default: false,
    help: "print the result as one JSON object on stdout",
  },
  help: { type: "boolean", short: "h", default: false, help: "print this help" },
  ...Object.fromEntries(
    Object.entries(SLURM_CLI_OPTIONS).map(([name, o]) => [name, { ...o, commands: RUN }]),
  ),
};

/** Whether `command` takes option `name`. */
export function takes(command: string, name: string): boolean {
  const commands = OPTIONS[name]?.commands;
  return commands === undefined || commands.includes(command);
}

/** The names of the options `command` takes, in table order. */
export function optionsOf(command: string): string[] {
  return Object.keys(OPTIONS).filter((name) => takes(command, name));
}

/** The commands that take option `name` (for "--dry-run is an option of cache"). */
export function commandsTaking(name: string, commands: readonly string[]): string[] {
  return commands.filter((c) => takes(c, name));
}
