/**
 * The born-again command line.
 *
 *   run <pipeline.ts> [--set name=value]… [--params FILE] [--force STEP]… [--jobs N] [--json]
 *   plan <pipeline.ts> [same options]
 *   cache ls | verify | gc [--dry-run] [--checkpoints]
 *   report <pipeline.ts> [--report-dir DIR]
 *   export <pipeline.ts> <step> [--format safetensors|npz|tfjs] [--out DIR]
 *
 * `deno task <command> --help` explains each; `run <pipeline.ts> --help` lists its params too.
 * The commands and options are tabled in `command_table.ts` and `option_table.ts`.
 *
 * Permissions: this process runs only the project's code. A pipeline file is declared in a Deno
 * worker that may only read the project and its own folder (`sandbox/declare.ts`); plugins from
 * outside the project are fingerprinted and counted in such a worker (`lib/permissions/`); each
 * step's worker process may read the project, the pipeline's folder, the data dir and the cache,
 * write the cache, and reach the network only to download its dataset
 * (`lib/schedule/worker_command.ts`). Worker permissions need `--unstable-worker-options`.
 *
 * @module
 */
import { errorPath, isNoSpace, noSpaceError, PipelineError } from "../errors.ts";
import { isReadOnlyError, readOnlyLine } from "../store/read_only.ts";
import { closest } from "../util/suggest.ts";
import { UsageError } from "./args.ts";
import { COMMAND_NAMES, COMMANDS } from "./command_table.ts";
import { commandHelp, generalHelp } from "./help.ts";
import { parseOptions } from "./options.ts";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h") {
    console.log(generalHelp());
    return command ? 0 : 2;
  }
  if (command === "help") {
    const topic = rest[0];
    if (topic && !Object.hasOwn(COMMANDS, topic)) return unknownCommand(topic);
    console.log(topic ? commandHelp(topic) : generalHelp());
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) return unknownCommand(command);
  let o;
  try {
    o = parseOptions(rest, command);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\n(deno task ${command} --help lists what it takes)`);
    return 2;
  }
  if (o.help) return (await import("./commands/help.ts")).helpCommand(command, o);
  switch (command) {
    case "run":
      return (await import("./commands/run.ts")).runCommand(o);
    case "plan":
      return (await import("./commands/plan.ts")).planCommand(o);
    case "cache":
      return (await import("./commands/cache.ts")).cacheCommand(o, o.dryRun, o.checkpoints);
    case "report":
      return (await import("./commands/report.ts")).reportCommand(o);
    case "doctor":
      return (await import("./commands/doctor.ts")).doctorCommand(o);
    case "export":
      return (await import("./commands/export.ts")).exportCommand(o);
    default:
      console.error(`error: the command "${command}" is not available in this version`);
      return 2;
  }
}

function unknownCommand(command: string): number {
  const guess = closest(command, COMMAND_NAMES);
  console.error(
    `error: unknown command "${command}"${guess ? `: did you mean ${guess}?` : ""}\n\n` +
      generalHelp(),
  );
  return 2;
}

try {
  Deno.exit(await main(Deno.args));
} catch (e) {
  if (e instanceof PipelineError) {
    console.error(`error: ${e.describe()}`);
    Deno.exit(1);
  }
  if (isReadOnlyError(e)) {
    // A write into a read-only cache that no command expected to need: name it, no stack.
    console.error(`error: ${readOnlyLine(e)}`);
    Deno.exit(1);
  }
  if (isNoSpace(e)) {
    const where = errorPath(e) ?? "the disk";
    console.error(`error: ${noSpaceError(where, "writing", "free space and run again").message}`);
    Deno.exit(1);
  }
  throw e;
}
