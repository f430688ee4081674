/**
 * Process liveness, for stale-lock detection. Deno reserves /proc for --allow-all, so this asks
 * the kernel with signal 0 and then `ps` for the zombie case (a killed worker whose parent died
 * too stays a zombie until reaped, and still answers signal 0). Needs --allow-run.
 *
 * @module
 */
import process from "node:process";

/** Whether process `pid` exists on this host and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as { code?: string }).code === "EPERM";
  }
  try {
    const out = new Deno.Command("ps", {
      args: ["-o", "stat=", "-p", String(pid)],
      stdout: "piped",
      stderr: "null",
    })
      .outputSync();
    const stat = new TextDecoder().decode(out.stdout).trim();
    return stat !== "" && !stat.startsWith("Z");
  } catch {
    return true; // no ps: trust signal 0
  }
}
