/**
 * Strict argument parsing with messages a user can act on. node:util's parseArgs does the
 * parsing; a scan before it turns what it would reject (or, without strict mode, silently
 * accept) into a {@linkcode UsageError}: an unknown option with the closest known one
 * ("unknown option --cache-dirr: did you mean --cache-dir?"), an option of another command, a
 * missing value, a value given to a flag. Shared by the born-again commands, `deno task data`
 * and `deno task bench`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { closest } from "../util/suggest.ts";

/** A command line that cannot be understood: the caller prints it with where to find help. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** One option, as node:util's parseArgs takes it. */
export interface OptionConfig {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[];
}

/** What a command line may hold. */
export interface ArgvSpec {
  /** Every option known to the program. */
  options: Record<string, OptionConfig>;
  /** The options this command takes (default: all of `options`). */
  accepted?: ReadonlySet<string>;
  /** The command being parsed, for "--x is an option of …, not of <command>". */
  command?: string;
  /** Which commands take a known option this one does not. */
  ownersOf?: (name: string) => string[];
}

/** Parsed values (by long name) and positionals. */
export interface ParsedArgv {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parse `argv` against `spec`; throws {@linkcode UsageError} with a suggestion where one fits. */
export function parseArgv(argv: string[], spec: ArgvSpec): ParsedArgv {
  checkArgv(argv, spec);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: spec.options,
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (e) {
    // The scan above catches what parseArgs rejects; this keeps any case it misses readable.
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** What {@linkcode parseStrictArgs} returns for a command line it understood. */
export type StrictArgs<T extends Record<string, OptionConfig>> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: T }>
>;

/**
 * Parse the command line of a script (`deno task data`, `deno task bench`) against its
 * `options`, with positionals allowed. A command line that cannot be understood is reported on
 * stderr with `usage`, and the exit code 2 is returned in place of the parsed values.
 */
export function parseStrictArgs<T extends Record<string, OptionConfig>>(
  args: string[],
  options: T,
  usage: string,
): StrictArgs<T> | number {
  try {
    checkArgv(args, { options });
    return parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\n${usage}`);
    return 2;
  }
}

/** Throw a {@linkcode UsageError} for the first option in `argv` that `spec` does not allow. */
export function checkArgv(argv: string[], spec: ArgvSpec): void {
  const accepted = spec.accepted ?? new Set(Object.keys(spec.options));
  const shorts = new Map<string, string>();
  for (const [name, c] of Object.entries(spec.options)) {
    if (c.short && accepted.has(name)) shorts.set(c.short, name);
  }
  const needsValue = (i: number, raw: string) => {
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("-")) {
      throw new UsageError(
        `option ${raw} needs a value` +
          (next === undefined ? "" : ` (for one starting with "-", write ${raw}=${next})`),
      );
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const config = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
      if (!config) throw unknown(`--${name}`, name, accepted);
      if (!accepted.has(name)) throw elsewhere(name, spec);
      if (config.type === "boolean") {
        if (eq >= 0) throw new UsageError(`option --${name} takes no value: got ${arg}`);
      } else if (eq < 0) {
        needsValue(i, arg);
        i++;
      }
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") continue;
    // Short options: `-j 2`, `-j2`, or a group of flags such as `-h`.
    const name = shorts.get(arg[1]);
    if (name && spec.options[name].type === "string") {
      if (arg.length === 2) {
        needsValue(i, arg);
        i++;
      }
      continue;
    }
    const flags = [...arg.slice(1)].map((c) => shorts.get(c));
    if (flags.every((n) => n && spec.options[n].type === "boolean")) continue;
    // `-cache-dir` (one dash) is most likely the long option.
    throw unknown(arg, arg.slice(1), accepted);
  }
}

function unknown(raw: string, name: string, accepted: ReadonlySet<string>): UsageError {
  const guess = closest(name, accepted);
  return new UsageError(`unknown option ${raw}${guess ? `: did you mean --${guess}?` : ""}`);
}

function elsewhere(name: string, spec: ArgvSpec): UsageError {
  const owners = spec.ownersOf?.(name) ?? [];
  const list = owners.length > 1
    ? `${owners.slice(0, -1).join(", ")} and ${owners.at(-1)}`
    : owners[0];
  const of = owners.length ? ` is an option of ${list}` : " does not apply";
  return new UsageError(`--${name}${of}${spec.command ? `, not of ${spec.command}` : ""}`);
}
