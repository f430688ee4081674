/** Process liveness without needing the permission to send signals. @module */

/** Whether process `pid` exists on this host. */
export function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) return true;
    try {
      Deno.statSync("/proc/self");
      return false; // /proc works, so the process is gone
    } catch {
      // No /proc (macOS): fall back to a null-ish signal, needs --allow-run.
      try {
        Deno.kill(pid, "SIGCONT");
        return true;
      } catch (err) {
        return err instanceof Deno.errors.PermissionDenied;
      }
    }
  }
}
