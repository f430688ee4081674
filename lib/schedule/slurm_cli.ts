/**
 * The Slurm commands the launcher needs (sbatch, squeue, scontrol, scancel) and parsers for
 * their output. No accounting (sacct) is assumed: squeue `-t all` and `scontrol show job` know
 * a finished job for the cluster's MinJobAge (300 s by default).
 *
 * @module
 */
import { type JobInfo, parseDuration } from "./slurm_state.ts";

/** Output of one command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

const dec = new TextDecoder();

/** Run a Slurm command; a missing binary is code 127, like a shell. */
export async function slurmCommand(cmd: string, args: string[]): Promise<CommandResult> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${cmd}: not found on PATH` };
    }
    throw e;
  }
}

/** `sbatch --parsable` output (`123` or `123;cluster`) → the job id. */
export function parseSbatch(stdout: string): string | undefined {
  const id = stdout.trim().split("\n").pop()?.split(";")[0].trim();
  return id && /^\d+(_\d+)?$/.test(id) ? id : undefined;
}

/** Submit a job script; returns its id or throws with sbatch's message. */
export async function submitJob(script: string): Promise<string> {
  const r = await slurmCommand("sbatch", ["--parsable", script]);
  const id = r.code === 0 ? parseSbatch(r.stdout) : undefined;
  if (!id) {
    throw new Error(
      `sbatch ${script} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`,
    );
  }
  return id;
}

/** The squeue format {@linkcode parseSqueue} reads. */
export const SQUEUE_FORMAT = "%i|%T|%r|%M|%l|%N|%k";

/** Parse `squeue -h -o SQUEUE_FORMAT` lines. */
export function parseSqueue(stdout: string): Map<string, JobInfo> {
  const jobs = new Map<string, JobInfo>();
  for (const line of stdout.split("\n")) {
    const f = line.trim().split("|");
    if (f.length < 7 || !f[0]) continue;
    jobs.set(f[0], {
      id: f[0],
      state: f[1].replace(/\+$/, ""),
      reason: f[2],
      runSeconds: parseDuration(f[3]),
      limitSeconds: parseDuration(f[4]),
      nodes: f[5] || undefined,
      comment: f.slice(6).join("|"),
    });
  }
  return jobs;
}

/**
 * States of `ids` (all states, finished too). Ids unknown to squeue are absent from the map;
 * undefined when the controller cannot be asked (try again later).
 */
export async function queryJobs(ids: string[]): Promise<Map<string, JobInfo> | undefined> {
  if (!ids.length) return new Map();
  const r = await slurmCommand("squeue", [
    "-h",
    "-t",
    "all",
    "-j",
    ids.join(","),
    "-o",
    SQUEUE_FORMAT,
  ]);
  if (r.code === 0) return parseSqueue(r.stdout);
  // Every id unknown (purged after MinJobAge): not an outage.
  if (/Invalid job id/i.test(r.stderr)) return new Map();
  return undefined;
}

/** Parse `scontrol -o show job ID` (one line of Key=Value pairs). */
export function parseScontrolJob(line: string): JobInfo | undefined {
  const field = (name: string) => line.match(new RegExp(`(?:^|\\s)${name}=(\\S*)`))?.[1];
  const id = field("JobId");
  const state = field("JobState");
  if (!id || !state) return undefined;
  const [code, signal] = (field("ExitCode") ?? "").split(":").map(Number);
  return {
    id,
    state: state.replace(/\+$/, ""),
    reason: field("Reason") ?? "None",
    runSeconds: parseDuration(field("RunTime")),
    limitSeconds: parseDuration(field("TimeLimit")),
    nodes: field("NodeList"),
    comment: field("Comment"),
    exitCode: Number.isFinite(code) ? code : undefined,
    signal: Number.isFinite(signal) ? signal : undefined,
  };
}

/** Full details of one job (with its exit code); undefined when Slurm no longer knows it. */
export async function showJob(id: string): Promise<JobInfo | undefined> {
  const r = await slurmCommand("scontrol", ["-o", "show", "job", id]);
  return r.code === 0 ? parseScontrolJob(r.stdout.trim().split("\n")[0]) : undefined;
}

/** Cancel jobs (their processes get SIGTERM, then SIGKILL after the cluster's KillWait). */
export async function cancelJobs(ids: string[]): Promise<void> {
  if (ids.length) await slurmCommand("scancel", ids);
}

/** Cancel jobs synchronously, for the last moments of a process that is exiting. */
export function cancelJobsSync(ids: string[]): void {
  if (!ids.length) return;
  try {
    new Deno.Command("scancel", { args: ids, stdin: "null", stdout: "null", stderr: "null" })
      .outputSync();
  } catch { /* nothing more can be done on the way out */ }
}
