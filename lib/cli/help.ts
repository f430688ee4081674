/**
 * Help text: the list of commands, each command's usage and options (from the option and
 * command tables), and a pipeline's declared params with their types, defaults and descriptions.
 * Rendering only: `commands/help.ts` finds the params to show.
 *
 * @module
 */
import type { ParamDecl } from "../spec/step.ts";
import { table } from "../progress/format.ts";
import { SLURM_USAGE } from "../schedule/slurm_options.ts";
import { COMMANDS } from "./command_table.ts";
import { OPTIONS, optionsOf, takes } from "./option_table.ts";

/** A pipeline's params as help shows them. */
export interface PipelineParams {
  pipeline: string;
  file: string;
  params: ParamDecl[];
}

/** Two columns, the second aligned. */
function columns(rows: [string, string][], indent = "  "): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(width)}  ${b}`.trimEnd()).join("\n");
}

/** `deno task <command> …` for each command, as the list of commands shows it. */
function usageLine(command: string): string {
  return `${command} ${COMMANDS[command].usage.replace(/\s*\[options\]$/, "")}`.trim();
}

/** The help of the whole tool: its commands and the other tasks. */
export function generalHelp(): string {
  const commands = columns(
    Object.entries(COMMANDS).map(([name, c]) => [usageLine(name), c.summary]),
  );
  const tasks = columns([
    ["data cifar10|cifar100|ptb", "fetch or verify a dataset and print its statistics"],
    ["bench [names…]", "benchmarks, as Markdown tables (--json too)"],
  ]);
  return [
    "born-again: Born-Again Network experiments as cached pipelines",
    "",
    "usage: deno task <command> [arguments] [options]",
    "",
    "commands:",
    commands,
    "",
    "other tasks:",
    tasks,
    "",
    "deno task <command> --help shows a command's options; deno task run <pipeline.ts> --help",
    "lists the pipeline's params too.",
  ].join("\n");
}

/** The options `command` takes, one a line, then the Slurm block where it applies. */
export function optionsHelp(command: string): string {
  const rows: [string, string][] = optionsOf(command)
    .filter((name) => OPTIONS[name].help)
    .map((name) => {
      const o = OPTIONS[name];
      const value = o.value ? ` ${o.value}` : "";
      const short = o.short ? `, -${o.short}${value}` : "";
      return [`--${name}${value}${short}`, o.help!];
    });
  const slurm = takes(command, "slurm-partition") ? `\n\n${SLURM_USAGE}` : "";
  return `options:\n${columns(rows)}${slurm}`;
}

/** A param's type, as its default shows it. */
function typeOf(p: ParamDecl): string {
  return typeof p.default;
}

/** The params table: name, type, default (and the value in force where one differs), doc. */
export function paramsHelp(p: PipelineParams): string {
  const set = p.params.some((d) => d.value !== d.default);
  const header = ["param", "type", "default", ...(set ? ["value"] : []), "description"];
  const rows = [...p.params]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => [
      d.name,
      typeOf(d),
      String(d.default),
      ...(set ? [d.value === d.default ? "" : String(d.value)] : []),
      d.doc ?? "",
    ]);
  const indented = table(header, rows).split("\n").map((l) => `  ${l}`).join("\n");
  return `params of pipeline "${p.pipeline}" (--set name=value or --params FILE):\n${indented}`;
}

/**
 * The help of one command: usage, what it does, the pipeline's params (`params`, when the
 * command takes a pipeline: its params, or a string saying why they are not listed) and options.
 */
export function commandHelp(command: string, params?: PipelineParams | string): string {
  const c = COMMANDS[command];
  const file = typeof params === "object" ? params.file : undefined;
  const usage = file ? c.usage.replace("<pipeline.ts>", file) : c.usage;
  const parts = [`usage: deno task ${command} ${usage}`, "", c.about, ""];
  if (c.positional?.kind === "pipeline") {
    parts.push(
      typeof params === "object" ? paramsHelp(params) : params ??
        `params: name a pipeline to list them (deno task ${command} pipelines/smoke.ts --help)`,
      "",
    );
  }
  parts.push(optionsHelp(command));
  return parts.join("\n");
}
