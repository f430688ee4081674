/**
 * The local launcher: each step is a `deno` subprocess on this machine. Its stdout carries
 * events; its stderr goes to `work/<key>/worker.log` so a failure can show the log's tail.
 *
 * @module
 */
import { CacheLayout } from "../store/layout.ts";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { parseEvent } from "../worker/events.ts";
import type { Launcher, LaunchRequest, StepOutcome } from "./launcher.ts";
import { workerArgs } from "./worker_command.ts";

/** Runs workers as local subprocesses. */
export class LocalLauncher implements Launcher {
  readonly name = "local";
  #children = new Set<Deno.ChildProcess>();

  async launch(req: LaunchRequest): Promise<StepOutcome> {
    const files = new CacheLayout(req.cacheDir).workFiles(req.key);
    await Deno.mkdir(files.dir, { recursive: true });
    const logPath = files.log;
    const child = new Deno.Command(Deno.execPath(), {
      args: workerArgs(req.cacheDir, req.key, req.executor, Deno.pid),
      cwd: PROJECT_ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.#children.add(child);
    const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
    const stderrDone = child.stderr.pipeTo(log.writable).catch(() => {});
    let outcome: StepOutcome | undefined;
    let buffer = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const event = parseEvent(line);
        if (!event) continue;
        req.onEvent(event);
        if (event.t === "done") {
          outcome = {
            ok: true,
            cached: event.cached,
            result: event.result,
            seconds: event.seconds,
          };
        }
        if (event.t === "error") {
          outcome = { ok: false, reason: event.reason, message: event.message };
        }
      }
    }
    const status = await child.status;
    await stderrDone;
    this.#children.delete(child);
    if (outcome) {
      if (!outcome.ok) outcome.logTail = await tail(logPath);
      return outcome;
    }
    return { ...endWithoutResult(status), logTail: await tail(logPath) };
  }

  stopAll(): Promise<void> {
    for (const c of this.#children) {
      try {
        c.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    return Promise.resolve();
  }
}

/**
 * How a worker that ended without a result event ended. The kernel's out-of-memory killer sends
 * SIGKILL, which no process can catch; a stop the user asked for (SIGINT, SIGTERM, SIGHUP, or the
 * worker's exit code 130 for it) is an interruption, not a failure; other signals are crashes.
 */
export function endWithoutResult(status: Deno.CommandStatus): Extract<StepOutcome, { ok: false }> {
  const sig = status.signal;
  if (sig === "SIGKILL") {
    return {
      ok: false,
      reason: "killed",
      message: "worker killed by signal SIGKILL, likely out of memory; " +
        "a rerun resumes from its last checkpoint",
    };
  }
  if (
    sig === "SIGINT" || sig === "SIGTERM" || sig === "SIGHUP" ||
    (sig === null && status.code === 130)
  ) {
    return { ok: false, reason: "interrupted", message: `worker stopped by ${sig ?? "a signal"}` };
  }
  if (sig) return { ok: false, reason: "killed", message: `worker killed by signal ${sig}` };
  return {
    ok: false,
    reason: "step-failed",
    message: `worker exited with code ${status.code} without a result`,
  };
}

async function tail(path: string, lines = 20): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
