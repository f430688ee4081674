/** Run the born-again CLI as a subprocess, as a user would. @module */
import { fromFileUrl } from "../../lib/util/path.ts";

/** The project root. */
export const ROOT = fromFileUrl(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** Output of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The flags of the `run` task in deno.json (between `deno run` and the script), so tests run the
 * CLI with exactly the permissions a user's `deno task run` has.
 */
export function taskFlags(task = "run"): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`));
  const words = String(config.tasks[task]).split(/\s+/);
  const script = words.indexOf("lib/cli/main.ts");
  if (words[0] !== "deno" || words[1] !== "run" || script < 0) {
    throw new Error(`deno.json task "${task}" is not \`deno run … lib/cli/main.ts\``);
  }
  return words.slice(2, script);
}

/** The argv that runs the CLI (the permissions of the `run` task). */
export function cliArgs(args: string[]): string[] {
  return ["run", "--quiet", ...taskFlags(), `${ROOT}/lib/cli/main.ts`, ...args];
}

/** The CLI arguments that run `pipeline` on the cpu executor in `cache`, then `extra`. */
export function cpuRunArgs(pipeline: string, cache: string, ...extra: string[]): string[] {
  return ["run", pipeline, "--cache-dir", cache, "--executor", "cpu", ...extra];
}

/** Run the CLI to completion. `executor` defaults to cpu so tests do not depend on wasm. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(args),
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Start the CLI without waiting. */
export function spawnCli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: cliArgs(args),
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** The `--json` summary of a run. */
export interface Summary {
  ok: boolean;
  steps: {
    name: string;
    key: string;
    status: string;
    metrics: Record<string, number> | null;
    parameters: number | null;
  }[];
}

/** Parse the JSON summary from stdout. */
export function summary(r: CliResult): Summary {
  const line = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`no JSON summary (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** Status by step name. */
export function statuses(s: Summary): Record<string, string> {
  return Object.fromEntries(s.steps.map((x) => [x.name, x.status]));
}

/** A fresh temporary cache folder. */
export function tempCache(): Promise<string> {
  return Deno.makeTempDir({ prefix: "born-again-test-" });
}
