/**
 * `<command> --help`: the command's usage and options; for a command given a pipeline file, the
 * params that pipeline declares (with `--set`/`--params` applied, so the values in force show).
 *
 * @module
 */
import { PipelineError } from "../../errors.ts";
import { COMMANDS } from "../command_table.ts";
import { commandHelp } from "../help.ts";
import type { CliOptions } from "../options.ts";
import { planFromOptions } from "./shared.ts";

/** Print the help of `command`; returns the exit code (1 when the named pipeline cannot load). */
export async function helpCommand(command: string, o: CliOptions): Promise<number> {
  if (COMMANDS[command].positional?.kind !== "pipeline" || !o.positionals[0]) {
    console.log(commandHelp(command));
    return 0;
  }
  try {
    // The declared graph records each param with its default, value and description.
    const graph = await planFromOptions(o);
    console.log(commandHelp(command, graph));
    return 0;
  } catch (e) {
    if (!(e instanceof PipelineError)) throw e;
    console.log(commandHelp(command, "params: cannot list them, the pipeline does not load"));
    console.error(`error: ${e.describe()}`);
    return 1;
  }
}
