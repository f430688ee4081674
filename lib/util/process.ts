/**
 * Process identity and liveness, for stale-lock detection. A pid alone does not name a process:
 * pids are reused, after a reboot and inside containers within minutes. A process is named by its
 * host, the kernel's boot id and its start time.
 *
 * Deno reserves /proc for --allow-all, and the CLI and workers run with less, so these ask the
 * kernel with signal 0 and `ps` (start time, and the zombie case: a killed worker whose parent
 * died too stays a zombie until reaped and still answers signal 0), and read the boot id with
 * `boot_id.sh` beside this file (or `cat`) when /proc cannot be read directly. Needs --allow-run
 * (workers get `ps` and the helper only); without them the checks fall back to signal 0.
 *
 * @module
 */
import process from "node:process";
import { fromFileUrl } from "./path.ts";

/** What `ps` says about a live process. */
export interface ProcessInfo {
  /** Start time (ms since the epoch, whole seconds), when `ps` could tell. */
  startedMs?: number;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Parse `ps -o lstart=` output printed under LC_ALL=C and TZ=UTC ("Fri Dec  4 19:26:09 2026"). */
export function parseLstart(text: string): number | undefined {
  const m = text.trim().match(/^\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d\d):(\d\d):(\d\d)\s+(\d{4})$/);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]);
  if (month < 0) return undefined;
  return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

/** Whether process `pid` exists on this host and is not a zombie, and when it started. */
export function processInfo(pid: number): ProcessInfo | undefined {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else. NotCapable: this process may not signal
    // others (a worker may run only `ps`, and Deno asks for all of --allow-run): `ps` decides.
    const denied = e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
    if ((e as { code?: string }).code !== "EPERM" && !denied) return undefined;
  }
  let text: string;
  try {
    const out = new Deno.Command("ps", {
      args: ["-o", "stat=,lstart=", "-p", String(pid)],
      env: { LC_ALL: "C", TZ: "UTC" },
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    text = new TextDecoder().decode(out.stdout).trim();
  } catch {
    return {}; // no ps: trust signal 0
  }
  if (text === "" || text.startsWith("Z")) return undefined;
  return { startedMs: parseLstart(text.replace(/^\S+\s+/, "")) };
}

/** Whether process `pid` exists on this host and is not a zombie. */
export function processAlive(pid: number): boolean {
  return processInfo(pid) !== undefined;
}

let ownStart: number | undefined | null = null;

/** This process's start time as {@linkcode processInfo} reports it (cached). */
export function ownStartMs(): number | undefined {
  if (ownStart === null) ownStart = processInfo(Deno.pid)?.startedMs;
  return ownStart;
}

const BOOT_ID = "/proc/sys/kernel/random/boot_id";
let boot: string | undefined | null = null;

/** The kernel's boot id (a fresh UUID each boot), or undefined where it cannot be read. Cached. */
export function bootId(): string | undefined {
  if (boot !== null) return boot;
  let text = "";
  try {
    text = Deno.readTextFileSync(BOOT_ID);
  } catch {
    // Workers may run only the project's helper (lib/util/boot_id.sh), not cat on any file.
    const helper = fromFileUrl(new URL("./boot_id.sh", import.meta.url));
    for (const [program, args] of [[helper, []], ["cat", [BOOT_ID]]] as const) {
      try {
        const out = new Deno.Command(program, { args: [...args], stdout: "piped", stderr: "null" })
          .outputSync();
        if (out.success) text = new TextDecoder().decode(out.stdout);
      } catch { /* no permission to run it, or no such program */ }
      if (text) break;
    }
  }
  boot = /^[0-9a-f-]{36}$/.test(text.trim()) ? text.trim() : undefined;
  return boot;
}
