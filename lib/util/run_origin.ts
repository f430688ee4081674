/**
 * Where a run came from, for provenance: the command line that started it and the project's git
 * revision, with whether tracked files differed from it (a dirty tree). Worked out once by the CLI
 * and carried to each step's worker in its spec; never part of a key.
 *
 * @module
 */
import { PROJECT_ROOT } from "./project_root.ts";

/** The command and the code a run started from. */
export interface RunOrigin {
  /** The command line, as it could be typed again (`deno task run pipelines/x.ts --set …`). */
  command: string;
  /** Absent where the project is not a git checkout or git is not installed. */
  git?: { revision: string; dirty: boolean };
}

/** `word` quoted for a POSIX shell where it needs it. */
export function shellQuote(word: string): string {
  return /^[\w.,=:/@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

async function git(root: string, args: string[]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", {
      args: ["-C", root, ...args],
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    // No git, or no permission to run it: the origin has no revision then.
    return undefined;
  }
}

/** The git revision of `root` and whether tracked files differ from it. */
export async function gitState(
  root: string = PROJECT_ROOT,
): Promise<{ revision: string; dirty: boolean } | undefined> {
  const revision = (await git(root, ["rev-parse", "HEAD"]))?.trim();
  if (!revision) return undefined;
  const status = await git(root, ["status", "--porcelain", "--untracked-files=no"]);
  return { revision, dirty: status === undefined || status.trim() !== "" };
}

/** The origin of a run started as `deno task <args…>`. */
export async function runOrigin(args: string[], root: string = PROJECT_ROOT): Promise<RunOrigin> {
  const git = await gitState(root);
  return { command: ["deno", "task", ...args].map(shellQuote).join(" "), ...(git ? { git } : {}) };
}
