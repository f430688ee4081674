/**
 * The born-again command line.
 *
 *   run <pipeline.ts> [--set name=value]… [--params FILE] [--force STEP]… [--jobs N] [--json]
 *   plan <pipeline.ts> [same options]
 *   cache ls | verify | gc [--dry-run] [--checkpoints]
 *   report <pipeline.ts> [--out DIR]
 *
 * Common: --cache-dir DIR, --data-dir DIR, --no-verify, --executor auto|gpu|webgpu|native|onednn|wasm|cpu.
 *
 * @module
 */
import { errorPath, isNoSpace, noSpaceError, PipelineError } from "../errors.ts";
import { parseOptions } from "./options.ts";
import { SLURM_USAGE } from "../schedule/slurm_options.ts";

const USAGE = `born-again: Born-Again Network experiments as cached pipelines

usage:
  deno task run <pipeline.ts> [options]     plan, train what is missing, print results
  deno task plan <pipeline.ts> [options]    show cached / will run and why (trains nothing)
  deno task cache ls|verify|gc [--dry-run] [--checkpoints]
                                            inspect and clean the step cache (gc keeps
                                            resumable checkpoints unless --checkpoints)
  deno task report <pipeline.ts>            write the results report (Markdown + HTML)

options:
  --set name=value      override a declared pipeline param (repeatable)
  --params FILE         pipeline params from a YAML or JSON file (--set wins)
  --force STEP          run STEP again even if cached (repeatable)
  --jobs N, -j N        run up to N independent steps side by side (default 1)
  --executor NAME       auto|gpu|webgpu|native|onednn|wasm|cpu (default auto)
  --scheduler NAME      local|slurm (default local)
  --cache-dir DIR       step cache (default .cache/born-again, or $BORN_AGAIN_CACHE)
  --data-dir DIR        datasets (default $BORN_AGAIN_DATA or ~/.cache/born-again/data)
  --no-verify           accept dataset files that do not match the official checksums
  --json                print the final summary as one JSON object on stdout
  --out DIR             (report) where to write report.md and report.html
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const dryRun = rest.includes("--dry-run");
  const checkpoints = rest.includes("--checkpoints");
  const o = parseOptions(rest.filter((a) => a !== "--dry-run" && a !== "--checkpoints"));
  if (!command || command === "help" || o.help) {
    console.log(`${USAGE}\n${SLURM_USAGE}`);
    return command ? 0 : 2;
  }
  switch (command) {
    case "run":
      return (await import("./commands/run.ts")).runCommand(o);
    case "plan":
      return (await import("./commands/plan.ts")).planCommand(o);
    case "cache":
      return (await import("./commands/cache.ts")).cacheCommand(o, dryRun, checkpoints);
    case "report":
      return (await import("./commands/report.ts")).reportCommand(o);
    default:
      console.error(`Unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

try {
  Deno.exit(await main(Deno.args));
} catch (e) {
  if (e instanceof PipelineError) {
    console.error(`error: ${e.describe()}`);
    Deno.exit(1);
  }
  if (isNoSpace(e)) {
    const where = errorPath(e) ?? "the disk";
    console.error(`error: ${noSpaceError(where, "writing", "free space and run again").message}`);
    Deno.exit(1);
  }
  throw e;
}
